"""Catchpoints on Python raising an exception (py-hook-catch raise).

CPython records each frame an exception passes through by calling
PyTraceBack_Here (an exported function, so it is found without debug
symbols) from the evaluation loop's error path, once for the frame where
the exception appeared and once more for each caller it propagates into.
A catchpoint is an internal gdb breakpoint there whose stop() reads the
exception in flight from memory (exceptions.py) and stops only:
- at the raise itself: the traceback is still empty (a new exception), or
  the frame runs a raise statement (raise e of an exception caught here,
  or elsewhere, or returned by a callee), or the traceback's newest entry
  is not a callee of this frame that returned: only then is it
  propagating;
- for the types asked for, or their subclasses, matched by name along the
  exception type's MRO.
A bare 'raise' re-raises without a new traceback entry and does not stop;
neither do exceptions of CPython's start-up (before Py_Initialize ends, and
in the site module it runs then), nor those raised inside the import
system's frozen modules.
Nothing is called in the program, so a catchpoint works at any stop.
"""

import gdb

from . import exceptions, objects, pyframes, runtime, selection, snapshot, view

FUNCTION = "PyTraceBack_Here"
# CPython's import system raises and catches its own exceptions on every
# import (a KeyError per module lock lookup): not the program's.
_IMPORT_SYSTEM = ("<frozen importlib.", "<frozen zipimport")
# The site module runs at start-up, before the program, and probes the
# environment (os.environ lookups that raise KeyError) as it goes.
_SITE = "<frozen site>"

_catchpoints = {}  # number -> Catchpoint
_next_number = [1]
_last_stop = [None]  # (catchpoint, InFlight) of the latest stop, for its report


class Catchpoint(gdb.Breakpoint):
    def __init__(self, types):
        super().__init__(FUNCTION, internal=True)
        self.silent = True  # the stop is reported in Python terms (_on_stop)
        self.types = list(types)
        self.hits = 0
        self.number_shown = _next_number[0]
        _next_number[0] += 1
        _catchpoints[self.number_shown] = self

    def describe(self):
        return "raise %s" % (", ".join(self.types) if self.types else "(any exception)")

    def stop(self):
        try:
            caught = _raised_here()
        except (runtime.Unavailable, objects.Unreadable, gdb.error, gdb.MemoryError, KeyError):
            return False  # cannot tell: let the program run on
        if caught is None or not caught.matches(self.types):
            return False
        self.hits += 1
        _last_stop[0] = (self, caught)
        return True


def _raised_here():
    """The InFlight exception when the selected thread, stopped at the start
    of PyTraceBack_Here, is recording a raise (not a propagation); else None."""
    rt = runtime.read()
    if not rt.initialized:
        return None  # CPython's own start-up, before the program's code
    thread = gdb.selected_thread()
    ts = rt.thread_for_lwp(thread.ptid[1])
    if ts is None:
        return None
    reader = objects.Reader(rt.version, rt.fields)
    caught = exceptions.in_flight(reader, rt.fields, ts, rt.version)
    if caught is None:
        return None
    frame = ts.current_frame()
    if not frame:
        return None
    if caught.traceback:
        frame_obj = objects._u64(frame + rt.fields["iframe.frame_obj"].offset)
        newest = exceptions.traceback_frame(rt.fields, caught.traceback)
        # Propagating: the newest entry is a callee that returned, so its
        # frame object owns its frame (f_frame points into the object) and
        # links back to this frame (CPython sets f_back as the object takes
        # the frame over; 0 where no Python frame called it).  Anything else
        # is a raise here: of an exception caught here before (raise e), or
        # caught in a frame that still runs, or elsewhere.
        if newest and newest != frame_obj and not _at_raise(rt, frame):
            own = objects._u64(newest + rt.fields["frameobject.frame"].offset)
            back = objects._u64(newest + rt.fields["frameobject.back"].offset)
            if newest <= own < newest + 512 and back in (frame_obj, 0):
                return None
    codes = [code for _, _, code in pyframes.Walker(rt).chain(ts)]
    if not codes or codes[0].filename.startswith(_IMPORT_SYSTEM) or \
            any(c.filename == _SITE and c.qualname == "<module>" for c in codes):
        return None
    return caught


def _at_raise(rt, frame):
    """Whether interpreter frame FRAME is running a raise statement: an
    exception it raises again (raise e, caught in a callee that returned
    it) is a raise, whatever its traceback says."""
    opcode = rt.fields["opcode.RAISE_VARARGS"]
    instr = objects._u64(frame + rt.fields["iframe.instr"].offset)
    return instr != 0 and objects._mem(instr, 1)[0] == opcode


def add(types):
    return Catchpoint(types)


def listing():
    return sorted(_catchpoints.items())


def delete(numbers):
    """Deletes the catchpoints NUMBERS (all when empty); returns how many."""
    doomed = list(_catchpoints) if not numbers else numbers
    for n in doomed:
        cp = _catchpoints.pop(n)
        if cp.is_valid():
            cp.delete()
    return len(doomed)


def _on_stop(event):
    if not isinstance(event, gdb.BreakpointEvent):
        return
    last = _last_stop[0]
    if last is None or last[0] not in event.breakpoints:
        return
    _last_stop[0] = None
    cp, caught = last
    selection.set(0)  # the raising frame
    where = ""
    try:
        where = "\n" + view.frame_line(snapshot.from_memory(0, 1).frames[0])
    except gdb.GdbError:
        pass
    gdb.write("py-hook: catchpoint %d: %s raised%s\n" % (cp.number_shown,
                                                      view.printable(caught.describe()), where))


def register():
    gdb.events.stop.connect(_on_stop)
