"""An exception in flight in a thread, read from memory without running code.

Where CPython keeps the exception being raised:
- 3.11: the thread state's curexc_type, curexc_value and curexc_traceback
  (the value may not be normalized yet: a str, a tuple, or NULL, with the
  type alone telling what is raised);
- 3.12 and 3.13: the thread state's current_exception, a normalized
  exception object whose traceback field is the traceback so far.
"""

from . import render
from .objects import Unreadable, _u64


class InFlight:
    """The exception a thread is raising: TYPE (address), VALUE (address or
    0), TRACEBACK (address or 0) and the names of its type's MRO."""

    __slots__ = ("type", "value", "traceback", "names", "message")

    def __init__(self, type_, value, traceback, names, message):
        self.type, self.value, self.traceback = type_, value, traceback
        self.names, self.message = names, message

    @property
    def type_name(self):
        return self.names[0] if self.names else "?"

    def matches(self, wanted):
        """Whether this exception is of one of the types named in WANTED (an
        empty WANTED matches all): each name is compared with every class of
        the MRO, as its short name, its qualified name or module.qualname."""
        if not wanted:
            return True
        return any(w in self.names for w in wanted)

    def describe(self):
        return "%s: %s" % (self.type_name, self.message) if self.message else self.type_name


def _class_names(reader, fields, tp):
    """Names each class of TP's MRO answers to: the short name, the full
    tp_name (module.name for static types) and module.qualname where the
    type's dict says __module__ (heap types)."""
    names = []
    mro = reader.mro(tp)
    for cls in mro:
        for name in [reader.type_name(cls)] + reader.full_type_names(cls):
            if name not in names:
                names.append(name)
    return names


def _message(reader, fields, value, names):
    """str(exception) where its one argument is a str or an int, read without
    running code; else a count of its arguments, or nothing."""
    try:
        if not value:
            return ""
        kind = reader.type_of(value)
        if kind == reader.types["str"]:
            items = [value]  # 3.11, not normalized: the message itself
        elif kind == reader.types["tuple"]:
            items = reader.tuple_items(value, 4096)  # 3.11, not normalized: the args
        elif "BaseException" not in _class_names(reader, fields, kind):
            items = [value]  # 3.11, not normalized: the one argument
        else:
            items = reader.tuple_items(_u64(value + fields["exception.args"].offset), 4096)
        if len(items) == 1 and reader.type_of(items[0]) == reader.types["str"]:
            text = reader.str(items[0])
            if len(text) > 400:
                text = text[:400] + "..."
            # KeyError's str() is the repr() of its key.
            return repr(text) if "KeyError" in names else text
        if len(items) == 1:
            # str() of another argument needs a call: its repr as py-hook
            # renders values instead, which is what KeyError shows anyway.
            return render.Renderer(reader).fields(items[0], 200)[2]
        return "" if not items else "(%d arguments)" % len(items)
    except (Unreadable, KeyError):
        return ""


def message(reader, fields, exc):
    """str() of the exception object at EXC where it can be read without
    running code (its one str or int argument), else ''."""
    kind = reader.type_of(exc)
    return _message(reader, fields, exc, _class_names(reader, fields, kind))


def in_flight(reader, fields, tstate, version):
    """The InFlight exception of TSTATE (a runtime.ThreadState), or None."""
    if tstate.has("current_exception"):
        value = tstate.get("current_exception")
        if not value:
            return None
        tp = reader.type_of(value)
        tb = _u64(value + fields["exception.traceback"].offset)
    else:
        tp = tstate.get("curexc_type")
        if not tp:
            return None
        value = tstate.get("curexc_value") or 0
        tb = tstate.get("curexc_traceback") or 0
    if tb and tb == reader.constants["None"]:
        tb = 0
    names = _class_names(reader, fields, tp)
    return InFlight(tp, value, tb, names, _message(reader, fields, value, names))


def traceback_frame(fields, tb):
    """The frame object (address) of traceback entry TB."""
    return _u64(tb + fields["traceback.frame"].offset)
