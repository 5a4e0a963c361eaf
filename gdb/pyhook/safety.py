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

from . import abi, context, runtime, target
from .errors import fail


class Plan:
    """How to make one call: request flags and a guard around the call."""

    def __init__(self, flags=0, guard=None, verdict="", tstate=None):
        self.flags = flags
        self.guard = guard or contextlib.nullcontext()
        self.verdict = verdict
        self.tstate = tstate

    def capture(self):
        """What the call may change in the thread's state (runtime.ThreadState
        .capture) and the waiters counted on its GIL's condition variables,
        read now; None when the thread state is unknown."""
        if self.tstate is None:
            return None
        try:
            gil = self.tstate.interp.gil
            return self.tstate.capture(), gil.waiters() if gil is not None else None
        except gdb.error:
            return None

    def gil_waiters(self):
        """The GIL's condition-variable waiter counts now, or None."""
        try:
            rt = runtime.read()
            me = rt.thread_at(self.tstate.address) if self.tstate is not None else None
            gil = rt.gil_for(me) if me is not None else None
            return gil.waiters() if gil is not None else None
        except (runtime.Unavailable, gdb.error):
            return None

    def gil_unusable(self, give_back):
        """Why the thread, when it does not hold the GIL now, could not take
        it without waiting (a mutex held, or a waiter on the condition
        variable taking it signals that will never leave) and, with
        GIVE_BACK, give it back; None when it could, or holds it."""
        if self.tstate is None:
            return None
        try:
            rt = runtime.read()
            me = rt.thread_at(self.tstate.address)
            gil = rt.gil_for(me) if me is not None else None
        except (runtime.Unavailable, gdb.error):
            return None
        if gil is None or me.attached:
            return None
        return "; ".join(_gil_busy(gil, give_back)) or None

    def fingerprint(self, fresh=True):
        """(holds the GIL, innermost Python frame) of the thread, from memory;
        None when it cannot be read.  Compared before and after a call that
        failed, to tell whether the failure left the thread's state changed.
        FRESH=False uses the reading the plan was made from."""
        if self.tstate is None:
            return None
        if not fresh:
            try:
                return (self.tstate.attached, self.tstate.current_frame())
            except gdb.error:
                return None
        try:
            rt = runtime.read()
            me = rt.thread_at(self.tstate.address)
            return None if me is None else (me.attached, me.current_frame())
        except (runtime.Unavailable, gdb.error):
            return None


# Tests only: True turns _Masked off, to show the hang it prevents.
test_unmasked = False


class _Masked:
    """Clears the eval-breaker requests of the calling thread for the call.

    With them set, the first bytecode the call runs would stop to hand the
    GIL to a waiting thread (which is stopped, so the hand-over never ends:
    observed hang), run the program's signal handlers or pending calls
    inside the call, or raise its async exception there.  Cleared, they
    stay pending for the program: afterwards each is restored, OR-ed with
    whatever the call itself requested."""

    def __init__(self, fields, per_thread_bits):
        """PER_THREAD_BITS: 3.13+'s request bits of the thread's own eval
        breaker (the bits above them, the instrumentation version, stay);
        0 where each field is a request of its own, cleared whole."""
        self.fields = fields
        self.per_thread_bits = per_thread_bits

    def __enter__(self):
        self.epoch = target.epoch()
        if test_unmasked:
            self.fields = []
        for f in self.fields:
            f.saved = f.read()
            if self.per_thread_bits:
                f.write(f.saved & ~self.per_thread_bits)
            elif f.saved:
                f.write(0)
        return self

    def __exit__(self, *exc):
        if self.epoch != target.epoch():
            return False  # the program exec'd during the call: these addresses are gone
        for f in reversed(self.fields):
            try:
                current = f.read()
                if self.per_thread_bits:
                    f.write(current | (f.saved & self.per_thread_bits))
                elif f.saved:
                    f.write(current | f.saved)
            except gdb.error:
                return False  # the process ended during the call
        return False


class _Borrowed(_Masked):
    """_Masked, and the GIL's bookkeeping put back after the helper took
    the GIL and gave it back: last_holder and switch_number, so the
    program's switching heuristics see exactly the state they left."""

    def __init__(self, fields, per_thread_bits, gil):
        super().__init__(fields, per_thread_bits)
        self.gil = gil

    def __enter__(self):
        self.holder = self.gil.field("last_holder")
        self.switches = self.gil.field("switch_number")
        self.holder.saved = self.holder.read()
        self.switches.saved = self.switches.read()
        return super().__enter__()

    def __exit__(self, *exc):
        super().__exit__(*exc)
        try:
            if self.epoch == target.epoch() and self.gil.field("locked").read() == 0:
                self.holder.write(self.holder.saved)
                self.switches.write(self.switches.saved)
        except gdb.error:
            pass  # the process ended during the call
        return False


def _gdb_thread(lwp):
    for t in gdb.selected_inferior().threads():
        if t.ptid[1] == lwp:
            return t
    return None


def thread_label(lwp):
    t = _gdb_thread(lwp)
    return "thread %d (LWP %d)" % (t.num, lwp) if t else "LWP %d" % lwp


def python_threads_text(rt):
    found = []
    for ts in rt.threads:
        t = _gdb_thread(ts.lwp)
        if t is not None:
            found.append((t.num, "%d (LWP %d%s)" % (t.num, ts.lwp, ", holds the GIL" if ts.attached else "")))
    return ", ".join(text for _, text in sorted(found)) if found else "none"


def no_python_thread(rt, thread):
    """The error for gdb THREAD, which has no Python thread state in RT."""
    return fail(
        "thread %d (LWP %d) has no Python thread state: it runs no Python code (a native "
        "thread such as faulthandler's watchdog).  Python threads: %s; select one with "
        "'thread N'." % (thread.num, thread.ptid[1], python_threads_text(rt)))


def _gil_plan(thread, force):
    version = runtime.python_version()
    if not runtime.supported(version):
        return Plan(verdict="")  # not CPython 3.11 to 3.15: the helper says so by name
    try:
        rt = runtime.read(version)
    except runtime.Unavailable as e:
        alone = len(gdb.selected_inferior().threads()) == 1
        if alone:
            return Plan(verdict="one thread only, so no GIL hand-over can be in progress")
        if force:
            gdb.write("py-hook: warning: --force: calling without checking the GIL: %s\n" % e,
                      gdb.STDERR)
            return Plan(verdict="unchecked (--force)")
        raise fail(
            "cannot check who holds the GIL: %s.  With several threads a call could wait for "
            "the GIL for good.  Load CPython's debug symbols, or repeat the command with --force "
            "to call anyway." % e
        )
    if not rt.initialized or rt.finalizing:
        return Plan(verdict="")  # the helper refuses with its own message
    me = rt.thread_for_lwp(thread.ptid[1])
    if me is None:
        raise no_python_thread(rt, thread)
    if me.interp.gc_collecting and not rt.source.startswith("CPython"):
        # Where no frame names the collector (no debug symbols): its own
        # flag, set while it runs on the GIL holder.  With the symbols the
        # frame names decide (context.py), so a __del__ the collector runs,
        # Python code like any other, can be acted in.
        _collecting(thread, me, force)
    gil = rt.gil_for(me)
    per_thread = rt.fields["eval_breaker.request_mask"] if version >= runtime.PY_3_13 else 0
    if me.attached:
        return Plan(0, _Masked(rt.breaker_fields(me), per_thread), "it holds the GIL", me)
    if gil is None or not gil.created:
        return Plan(verdict="")  # no GIL yet or any more: the helper refuses
    if gil.locked:
        holder = rt.thread_at(gil.last_holder)
        if holder is not None and holder.lwp == thread.ptid[1] and holder.attached:
            # The thread holds the GIL through another of its thread states
            # (one per interpreter it has run in): it is the holder.
            return Plan(0, _Masked(rt.breaker_fields(holder), per_thread), "it holds the GIL",
                        holder)
        who = thread_label(holder.lwp) if holder else "another thread"
        hint = ""
        if holder is not None and _gdb_thread(holder.lwp) is not None:
            hint = "select it with 'thread %d' to act there, or " % _gdb_thread(holder.lwp).num
        raise fail(
            "thread %d does not hold the GIL: %s does.  py-hook never waits for the GIL (the "
            "other threads stay stopped during a call, so the wait would never end): %slet the "
            "program run until thread %d holds it (a breakpoint on a C function its Python code "
            "calls)." % (thread.num, who, hint, thread.num),
            "%s holds the GIL" % who)
    problems = _gil_busy(gil)
    if per_thread and rt.pending_calls_queued(me):
        problems.append("pending calls are queued, which would run inside the call")
    if problems:
        raise fail(
            "thread %d released the GIL and nobody holds it, but it is being handed over right "
            "now (%s): taking it could wait for a stopped thread.  Let the program run a little "
            "and stop again ('continue', then interrupt)." % (thread.num, "; ".join(problems)),
            "the GIL is being handed over")
    return Plan(
        abi.HOOK_REQ_TAKE_GIL,
        _Borrowed(rt.breaker_fields(me), per_thread, gil),
        "it released the GIL (a blocking call) and nobody holds it: py-hook takes it for each "
        "command and gives it back",
        me,
    )


def _gil_busy(gil, give_back=True):
    """What would make taking the free GIL wait, in words; with GIVE_BACK,
    also what would make giving it back wait.  Taking it signals the switch
    condition variable, giving it back the other one."""
    problems = []
    if gil.mutex_owner:
        problems.append("the GIL's mutex is held by %s" % thread_label(gil.mutex_owner))
    if gil.switch_mutex_owner:
        problems.append("the GIL's switch mutex is held by %s" % thread_label(gil.switch_mutex_owner))
    if not gil.switch_cond_ok or (give_back and not gil.cond_ok):
        problems.append("a thread woken to take the GIL has not taken it yet")
    return problems


def _collecting(thread, me, force):
    """Refuses (or, with FORCE, warns) while the interpreter of ME collects
    garbage and ME holds the GIL: then ME is the collecting thread."""
    if not me.attached:
        return
    what = "a garbage collection (CPython's collector is running: its 'collecting' flag is set)"
    if force:
        gdb.write("py-hook: warning: --force: calling into thread %d although it is inside %s\n"
                  % (thread.num, what), gdb.STDERR)
        return
    raise fail(
        "not calling into thread %d: it is stopped inside %s: %s\n"
        "Let the thread leave it first (a breakpoint where Python code runs, such as 'tbreak "
        "PyObject_Vectorcall' then 'continue'), or repeat the command with --force to call "
        "anyway, which may deadlock or corrupt the program."
        % (thread.num, what, context.WHY[context.GC]),
        "thread %d is inside a garbage collection" % thread.num)


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
    return fail("\n".join(lines), "thread %d is inside %s" % (thread.num, first.kind))


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
    return _gil_plan(thread, force)
