"""py-hook's gdb settings: set py-hook ..., show py-hook ..."""

import gdb

from . import abi

DEFAULT_VALUE_LIMIT = 200


class SetPyHook(gdb.Command):
    """Set py-hook options.

Usage: set py-hook OPTION VALUE
Options: value-limit, call-timeout."""

    def __init__(self):
        super().__init__("set py-hook", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


class ShowPyHook(gdb.Command):
    """Show py-hook options.

Usage: show py-hook [OPTION]"""

    def __init__(self):
        super().__init__("show py-hook", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


class ValueLimit(gdb.Parameter):
    """How many characters of each value py-hook shows.

Usage: set py-hook value-limit N
A longer value is cut and ends in "...".  Lengths of str, bytes and containers
are always shown in full.  N is clamped to 16 .. 1000000; 0 means 1000000."""

    set_doc = "Set how many characters of each value py-hook shows."
    show_doc = "Show how many characters of each value py-hook shows."

    def __init__(self):
        super().__init__("py-hook value-limit", gdb.COMMAND_DATA, gdb.PARAM_ZUINTEGER)
        self.value = DEFAULT_VALUE_LIMIT

    def get_show_string(self, svalue):
        return "py-hook shows at most %s characters of each value." % svalue


DEFAULT_CALL_TIMEOUT = 10


class CallTimeout(gdb.Parameter):
    """How long py-hook lets one call into the target run before it interrupts it.

Usage: set py-hook call-timeout SECONDS
A call that has not returned by then (it deadlocked, which can only happen
after --force) is interrupted with SIGINT, unwound by gdb, and what it had
begun is undone; the command then fails and says so.  0 means no limit."""

    set_doc = "Set how long one py-hook call into the target may run."
    show_doc = "Show how long one py-hook call into the target may run."

    def __init__(self):
        super().__init__("py-hook call-timeout", gdb.COMMAND_DATA, gdb.PARAM_ZUINTEGER)
        self.value = DEFAULT_CALL_TIMEOUT

    def get_show_string(self, svalue):
        if svalue == "0":
            return "py-hook lets a call into the target run without a time limit."
        return "py-hook interrupts a call into the target after %s seconds." % svalue


_limit = None
_timeout = None


def register():
    global _limit, _timeout
    SetPyHook()
    ShowPyHook()
    _limit = ValueLimit()
    _timeout = CallTimeout()


def call_timeout():
    return _timeout.value if _timeout is not None else DEFAULT_CALL_TIMEOUT


def value_limit():
    n = _limit.value if _limit is not None else DEFAULT_VALUE_LIMIT
    if not n:
        return abi.HOOK_VALUE_LIMIT_MAX
    return max(abi.HOOK_VALUE_LIMIT_MIN, min(abi.HOOK_VALUE_LIMIT_MAX, n))
