"""Python frames and variables as the helper reports them."""

import gdb

from . import abi, inferior, safety
from .target import require_stopped_process
from .errors import fail
from .settings import value_limit


def _records(text):
    """The reply's records as (tag, [field, ...]): one per line, fields
    separated by TAB, with backslash, TAB and newline escaped (hookhelper.h)."""
    for line in text.split("\n"):
        if line:
            fields = line.split("\t")
            yield fields[0], [_unescape(f) for f in fields[1:]]


def _unescape(field):
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        c = field[i]
        if c == "\\" and i + 1 < len(field):
            nxt = field[i + 1]
            out.append({"t": "\t", "n": "\n"}.get(nxt, nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


class Variable:
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


def _plan(force):
    """The safety plan for a call into the selected thread (raises PyHookError
    when py-hook may not call there)."""
    _, thread = require_stopped_process()
    inferior.handshake_only(gdb.selected_inferior())
    return safety.plan(thread, force)


def _parse(reply):
    frames, total, stored = [], None, None
    for tag, fields in _records(reply.text):
        if tag == "F" and len(fields) == 4:
            frames.append(Frame(*fields))
        elif tag in ("V", "S") and len(fields) == 6:
            variable = Variable(*fields)
            if tag == "S":
                stored = variable
            elif frames:
                frames[-1].variables.append(variable)
        elif tag == "N" and len(fields) == 1 and frames:
            frames[-1].note = fields[0]
        elif tag == "E" and len(fields) == 1:
            total = int(fields[0])
        elif tag != "P":
            raise fail(
                "the helper's reply has an unknown record %r; the extension and "
                "libhookhelper.so are from different builds (rebuild with make)" % tag
            )
    if total is None:
        raise fail("the helper's reply ended early; rebuild with make and try again")
    return frames, total, stored


def take(first=0, count=0, with_locals=False, force=False):
    """Frames first .. first+count-1 (count 0: all) of the selected thread."""
    reply = inferior.call(
        "hook_snapshot",
        _plan(force),
        flags=abi.HOOK_REQ_LOCALS if with_locals else 0,
        first_frame=first,
        max_frames=count,
        value_limit=value_limit(),
    )
    frames, total, _ = _parse(reply)
    return Snapshot(frames, total, reply.python_version)


def frame(index, with_locals=False, force=False):
    return take(index, 1, with_locals, force).frames[0]


def _source_bytes(what, text):
    if "\0" in text:
        raise fail(
            "%s contains a NUL byte, which Python source cannot hold; inside a string literal "
            "write it as \\x00" % what
        )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise fail("%s is not valid UTF-8 text (%s); retype it" % (what, e.reason))


def assign(index, name, expr, force=False):
    """Evaluates EXPR in frame INDEX and stores it in NAME; returns the Variable."""
    name_bytes = _source_bytes("NAME", name)
    expr_bytes = _source_bytes("EXPR", expr)
    reply = inferior.call(
        "hook_apply_locals",
        _plan(force),
        first_frame=index,
        max_frames=1,
        value_limit=value_limit(),
        name=name_bytes,
        expr=expr_bytes,
    )
    _, _, stored = _parse(reply)
    if stored is None:
        raise fail("the helper stored the value but did not report it back; rebuild with make")
    return stored
