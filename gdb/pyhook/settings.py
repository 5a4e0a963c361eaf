"""py-hook's gdb settings: set py-hook ..., show py-hook ..."""

import gdb

from . import abi

DEFAULT_VALUE_LIMIT = 200


class SetPyHook(gdb.Command):
    """Set py-hook options.

Usage: set py-hook OPTION VALUE
Options: value-limit, call-timeout, interrupt-grace."""

    def __init__(self):
        super().__init__("set py-hook", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


class ShowPyHook(gdb.Command):
    """Show py-hook options.

Usage: show py-hook [OPTION]
Without OPTION, every option and its value."""

    def __init__(self):
        super().__init__("show py-hook", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("py-hook: show py-hook: no option %r; options: value-limit, "
                               "call-timeout, interrupt-grace" % arg.strip())
        for name in ("value-limit", "call-timeout", "interrupt-grace"):
            gdb.write("%s: " % name)
            gdb.execute("show py-hook %s" % name)


class ValueLimit(gdb.Parameter):
    """How many characters of each value py-hook shows.

Usage: set py-hook value-limit N
A longer value is cut after N characters (not bytes) and ends in "...".
Lengths of str, bytes and containers are always shown in full.  N is 16 at
least and 1000000 at most (a value outside is set to the nearest bound, and
the command says so); 0 or unlimited means 1000000."""

    set_doc = "Set how many characters of each value py-hook shows."
    show_doc = "Show how many characters of each value py-hook shows."

    def __init__(self):
        super().__init__("py-hook value-limit", gdb.COMMAND_DATA, gdb.PARAM_ZUINTEGER_UNLIMITED)
        self.value = DEFAULT_VALUE_LIMIT

    def get_set_string(self):
        n = self.value
        if n is None or n <= 0:
            return ""
        if n < abi.HOOK_VALUE_LIMIT_MIN or n > abi.HOOK_VALUE_LIMIT_MAX:
            self.value = max(abi.HOOK_VALUE_LIMIT_MIN, min(abi.HOOK_VALUE_LIMIT_MAX, n))
            return "py-hook value-limit must be %d to %d: set to %d." % (
                abi.HOOK_VALUE_LIMIT_MIN, abi.HOOK_VALUE_LIMIT_MAX, self.value)
        return ""

    def get_show_string(self, svalue):
        if svalue in ("0", "unlimited", "-1"):
            return "py-hook shows values up to %d characters (unlimited)." % \
                abi.HOOK_VALUE_LIMIT_MAX
        return "py-hook shows at most %s characters of each value." % svalue


DEFAULT_CALL_TIMEOUT = 10


class CallTimeout(gdb.Parameter):
    """How long py-hook lets one call into the target run before it interrupts it.

Usage: set py-hook call-timeout SECONDS
It fires when a call is still running after SECONDS: an EXPR that sleeps,
computes for long, waits on a lock or for I/O, or a call that deadlocked
(after --force).  py-hook then stops the thread and raises KeyboardInterrupt
inside EXPR, so Python unwinds its frames (finally blocks run, locks are
released) and nothing is stored; an EXPR asleep in time.sleep is woken for
it.  If EXPR has not ended interrupt-grace seconds later (3 by default; C
code that never returns to
the bytecode loop, such as sum(range(10**12)), or a wait on a lock), gdb
unwinds the call and py-hook puts the thread's Python state back (current
frame, recursion depth, data stack, exception state, the GIL).  Pressing
Ctrl-C during a command does the same at once; SIGINT is never passed to
the program during a call.  0 means no limit (Ctrl-C still works)."""

    set_doc = "Set how long one py-hook call into the target may run."
    show_doc = "Show how long one py-hook call into the target may run."

    def __init__(self):
        super().__init__("py-hook call-timeout", gdb.COMMAND_DATA, gdb.PARAM_ZUINTEGER)
        self.value = DEFAULT_CALL_TIMEOUT

    def get_show_string(self, svalue):
        if svalue == "0":
            return "py-hook lets a call into the target run without a time limit."
        return "py-hook interrupts a call into the target after %s seconds." % svalue


DEFAULT_INTERRUPT_GRACE = 3


class InterruptGrace(gdb.Parameter):
    """How long an interrupted call gets to end by itself before gdb unwinds it.

Usage: set py-hook interrupt-grace SECONDS
After call-timeout (or Ctrl-C) py-hook raises KeyboardInterrupt inside EXPR;
Python code ends at the next instruction, but C code that never returns to
the bytecode loop, or a wait on a lock, does not.  SECONDS later (1 to 60,
3 by default) gdb unwinds the call and py-hook puts the thread's Python
state back.  Longer gives slow finally blocks time to run; shorter ends a
stuck call sooner."""

    set_doc = "Set how long an interrupted call gets to end by itself."
    show_doc = "Show how long an interrupted call gets to end by itself."

    def __init__(self):
        super().__init__("py-hook interrupt-grace", gdb.COMMAND_DATA, gdb.PARAM_ZUINTEGER)
        self.value = DEFAULT_INTERRUPT_GRACE

    def get_set_string(self):
        if not 1 <= self.value <= 60:
            self.value = max(1, min(60, self.value))
            return "py-hook interrupt-grace must be 1 to 60 seconds: set to %d." % self.value
        return ""

    def get_show_string(self, svalue):
        return "An interrupted call gets %s second%s to end by itself before gdb unwinds it." \
            % (svalue, "" if svalue == "1" else "s")


_limit = None
_timeout = None
_grace = None


def register():
    global _limit, _timeout, _grace
    SetPyHook()
    ShowPyHook()
    _limit = ValueLimit()
    _timeout = CallTimeout()
    _grace = InterruptGrace()


def interrupt_grace():
    return _grace.value if _grace is not None else DEFAULT_INTERRUPT_GRACE


def call_timeout():
    return _timeout.value if _timeout is not None else DEFAULT_CALL_TIMEOUT


def value_limit():
    n = _limit.value if _limit is not None else DEFAULT_VALUE_LIMIT
    if n is None or n <= 0:
        return abi.HOOK_VALUE_LIMIT_MAX
    return max(abi.HOOK_VALUE_LIMIT_MIN, min(abi.HOOK_VALUE_LIMIT_MAX, n))
