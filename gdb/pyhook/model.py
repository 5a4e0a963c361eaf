"""What a listing of Python frames holds, whichever path read it: the
helper's reply (snapshot.py) or memory (pyframes.py)."""

import contextlib
import gc


@contextlib.contextmanager
def listing():
    """While a listing of thousands of records is built and printed, gdb's
    Python would run its cyclic collector every few hundred allocations,
    for nothing (a listing makes no cycles): about a sixth of the time of
    py-hook-bt --full at 1000 frames.  Paused, and resumed after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Variable:
    __slots__ = ("name", "kind", "type_name", "length", "value", "cut")

    def __init__(self, name, kind, type_name, length, value, cut):
        self.name = name
        self.kind = kind
        self.type_name = type_name
        self.length = int(length) if length else None
        self.value = value
        self.cut = cut == "1"

    @property
    def unbound(self):
        return self.type_name == "unbound" and self.value == "" and self.length is None


class Frame:
    __slots__ = ("index", "filename", "line", "function", "variables", "note")

    def __init__(self, index, filename, line, function):
        self.index = int(index)
        self.filename = filename
        self.line = int(line)
        self.function = function
        self.variables = []
        self.note = None  # why the variables are not shown, if they are not


class Snapshot:
    def __init__(self, frames, total, python_version):
        self.frames = frames
        self.total = total
        self.python_version = python_version
