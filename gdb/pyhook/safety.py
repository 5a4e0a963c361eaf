"""Whether py-hook may call into the selected thread now, and how.

Every command that calls the helper asks `plan` first.  Two questions:

1. Where did the thread stop natively?  Inside the allocator, a garbage
   collection, the loader, a signal handler or an unfinished gdb call, a
   call is refused (context.py); --force overrides with a warning.
2. Who holds the GIL?  The thread itself: call.  Nobody, and the thread
   released it around a blocking call: call with HOOK_REQ_TAKE_GIL, after
   checking from memory that taking it cannot wait (runtime.py), and put
   the GIL's bookkeeping back afterwards.  Another thread: refuse, naming
   it.  py-hook never waits for the GIL: only the selected thread runs
   during a call (scheduler-locking on), so waiting would never end.
"""

import contextlib

import gdb

from . import context, runtime
from .errors import fail


class Plan:
    def __init__(self, flags=0, guard=None):
        self.flags = flags
        self.guard = guard or contextlib.nullcontext()


def _refusal(thread, native):
    first = native.hazards[0]
    lines = [
        "not calling into thread %d: it is stopped inside %s" % (thread.num, first.describe())
    ]
    for other in native.hazards[1:]:
        lines.append("  it is also inside %s" % other.describe())
    outer = max(h.level for h in native.hazards)
    lines.append(
        "Let the thread leave it first (for example 'frame %d' then 'finish', or a breakpoint "
        "where Python code runs), or repeat the command with --force to call anyway, which may "
        "deadlock or corrupt the program." % outer
    )
    return fail("\n".join(lines))


def plan(thread, force=False):
    """A Plan for one helper call on THREAD, or raises PyHookError."""
    native = context.examine()
    if native.hazards:
        if not force:
            raise _refusal(thread, native)
        gdb.write(
            "py-hook: warning: --force: calling into thread %d although it is inside %s\n"
            % (thread.num, "; ".join(h.describe() for h in native.hazards)),
            gdb.STDERR,
        )
    return runtime.gil_plan(thread, Plan)
