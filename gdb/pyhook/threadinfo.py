"""What each thread is doing with the GIL, from its native stack and the
runtime state in memory: for py-hook-status and py-hook-bt --all."""

import os

import gdb

# Frames that show a thread waits to take the GIL (with CPython's symbols;
# without them the wait is in code gdb cannot name, and the thread shows
# as having released it).
_TAKING = ("take_gil", "_PyEval_AcquireLock", "PyEval_AcquireLock")
# A thread in drop_gil is handing the GIL over to a waiting one (the eval
# loop's switch), and takes its turn waiting right after.
_DROPPING = ("drop_gil",)
_SYSTEM_LIBRARIES = ("libc.so", "libpthread.so", "ld-linux", "libm.so")


class GilState:
    """STATE is 'holds it', 'waits for it', 'hands it over' (in drop_gil,
    to a waiting thread), 'released it' or None (no Python thread state); BLOCKED_IN the innermost native function,
    RELEASED_IN the innermost one outside the C library (the C function
    of Python's that released the GIL around a blocking call)."""

    def __init__(self, state, blocked_in=None, released_in=None):
        self.state = state
        self.blocked_in = blocked_in
        self.released_in = released_in


def _system(frame):
    try:
        lib = gdb.solib_name(frame.pc())
    except gdb.error:
        return False
    return bool(lib) and os.path.basename(lib).startswith(_SYSTEM_LIBRARIES)


def _native(thread):
    """('waits for it', 'hands it over' or None, innermost function name,
    innermost non-libc name) of THREAD's native stack; the selected thread
    and frame are kept."""
    selected = gdb.selected_thread()
    try:
        selected_frame = gdb.selected_frame()
    except gdb.error:
        selected_frame = None
    try:
        thread.switch()
        frame = gdb.newest_frame()
        blocked_in, released_in = frame.name(), None
        level = 0
        while frame is not None and level < 32:
            name = frame.name() or ""
            if name in _TAKING:
                return "waits for it", blocked_in, released_in
            if name in _DROPPING:
                return "hands it over", blocked_in, released_in
            if name == "_PyEval_EvalFrameDefault":
                break
            if released_in is None and name and not _system(frame):
                released_in = name
            frame = frame.older()
            level += 1
        return None, blocked_in, released_in
    except gdb.error:
        return None, None, None
    finally:
        selected.switch()
        if selected_frame is not None and selected_frame.is_valid():
            selected_frame.select()


def gil_state(ts, thread):
    """The GilState of gdb THREAD, whose Python thread state is TS (or None)."""
    if ts is None:
        return GilState(None)
    if ts.attached:
        return GilState("holds it")
    state, blocked_in, released_in = _native(thread)
    return GilState(state or "released it", blocked_in, released_in)
