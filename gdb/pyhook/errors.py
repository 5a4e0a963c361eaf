"""The one place where py-hook's error messages are put together.

Every user-facing failure is a gdb.GdbError: gdb prints the message without
a traceback and `gdb -batch` exits non-zero.  Messages name the cause and
the fix.
"""

import gdb


class PyHookError(gdb.GdbError):
    """A py-hook command could not act; the message says why and what to do."""


def fail(message):
    return PyHookError("py-hook: " + message)


def usage(command, problem, usage_line):
    return fail("%s: %s\nUsage: %s (see 'help %s')" % (command, problem, usage_line, command))


def helper_failed(status_name, message):
    # The helper's message already names cause and fix; the status name is
    # for bug reports.
    return fail("%s [%s]" % (message or "the helper failed without a message", status_name))
