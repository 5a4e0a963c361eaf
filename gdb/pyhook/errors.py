"""The one place where py-hook's error messages are put together.

Every user-facing failure is a gdb.GdbError: gdb prints the message without
a traceback and `gdb -batch` exits non-zero.  Messages name the cause and
the fix.
"""

import gdb


class PyHookError(gdb.GdbError):
    """A py-hook command could not act; the message says why and what to do.

    BRIEF, where set, is the cause in a few words, for a command that can
    do without the call (a listing read from memory instead) to say why."""

    brief = None


def fail(message, brief=None):
    error = PyHookError("py-hook: " + message)
    error.brief = brief
    return error


def usage(command, problem, usage_line):
    return fail("%s: %s\nUsage: %s (see 'help %s')" % (command, problem, usage_line, command))


# Helper statuses that say the call could not be made here and now, while
# the thread's frames can still be read from memory.  (Before Py_Initialize
# and during finalization the helper's own message is the useful answer.)
_BRIEF = {
    "HOOK_ERR_BUSY": "an earlier py-hook call is unfinished (py-hook-recover)",
    "HOOK_ERR_GIL_NOT_HELD": "the thread does not hold the GIL",
}


TRACEBACK_HEAD = "\nEXPR's traceback (most recent call last):"


def helper_failed(status_name, message):
    # The helper's message already names cause and fix; the status name is
    # for bug reports, at the end of the message proper: its first line, or
    # its last where an exception's own message spans several lines.  The
    # lines after it, if any, are EXPR's traceback.
    message = message or "the helper failed without a message"
    head, sep, rest = message.partition(TRACEBACK_HEAD)
    if not sep:
        head, sep, rest = message.partition("\n")
    return fail("%s [%s]%s%s" % (head, status_name, sep, rest), _BRIEF.get(status_name))
