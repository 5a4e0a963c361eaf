"""A thread's Python frames and their variables, read from memory.

What the helper reports through the C API (helper/frames.c), found here
without running anything in the target, so it works at every stop, in
every thread and in core files:

- the frame chain: the thread state's current _PyInterpreterFrame (3.11
  and 3.12 through tstate->cframe), then each frame's 'previous'.  As
  PyThreadState_GetFrame and PyFrame_GetBack do, frames that have not
  started running their code yet are skipped (owner not a generator and
  the instruction pointer before the code's _co_firsttraceable), and so
  are the shim frames of 3.12 to 3.14 (owner FRAME_OWNED_BY_CSTACK) and
  3.14's and 3.15's interpreter-owned ones (FRAME_OWNED_BY_INTERPRETER);
- from 3.14 on, f_executable and every slot of localsplus are tagged stack
  references (_PyStackRef): the object is the value with the tag bits
  cleared, an unbound slot is PyStackRef_NULL, and a value with both low
  bits set is a tagged int, no object;
- per frame: the code object's co_filename and co_qualname, and the line
  of the current instruction from the location table (PEP 626/657 format,
  Objects/locations.md), or the frame object's f_lineno where tracing set it;
- the variables of a function frame from its fast locals: names and kinds
  from co_localsplusnames and co_localspluskinds, values from the frame's
  localsplus array, cells dereferenced; those of a module or class body
  from its namespace dict (and on 3.12/3.13 the fast locals of an inlined
  comprehension running in it), in the order the helper lists them.

Every frame record is one memory read; code objects are read once per
listing.  Layouts come from layout.py (debug information or the built-in
table, checked by tests/layout.bats).
"""

import struct

from . import objects, render
from .layout import PY_3_12, PY_3_13, PY_3_14
from .model import Frame, Snapshot, Variable
from .objects import Unreadable, _mem, _u64

# A stack deeper than this is taken to be corrupt (a cycle), as the helper does.
MAX_FRAMES = 10000000


class StackRefs:
    """How a frame's slots hold objects: plain pointers before 3.14, tagged
    _PyStackRef values from 3.14 (facts stackref.*)."""

    def __init__(self, L):
        self.tagged = L.version >= PY_3_14
        self.tag_bits = L["stackref.tag_bits"] if self.tagged else 0
        self.null = L["stackref.null"] if self.tagged else 0

    def obj(self, bits):
        """The object address a slot holding BITS refers to; 0 for none
        (unbound); raises Unreadable for a tagged int."""
        if not self.tagged:
            return bits
        if bits == self.null:
            return 0
        if bits & 3 == 3:
            raise Unreadable("a tagged int (0x%x), not an object" % bits)
        return bits & ~self.tag_bits


class NoFrame(Exception):
    """The thread runs no Python frame, or the frame asked for does not exist."""


class Code:
    """What a code object says about names and lines."""

    def __init__(self, reader, fields, address):
        f = fields
        self.address = address
        if reader.type_of(address) != reader.types["code"]:
            raise Unreadable("0x%x is not a code object" % address)

        def i32(name):
            return struct.unpack("<i", _mem(address + f[name].offset, 4))[0]

        def ptr(name):
            return _u64(address + f[name].offset)

        self.filename = _name(reader, ptr("code.filename"))
        self.qualname = _name(reader, ptr("code.qualname"))
        self.flags = i32("code.flags")
        self.firstlineno = i32("code.firstlineno")
        self.firsttraceable = i32("code.firsttraceable")
        self.start = address + f["code.code_adaptive"].offset
        self.nargs = i32("code.argcount") + i32("code.kwonlyargcount") \
            + bool(self.flags & f["co.varargs"]) + bool(self.flags & f["co.varkeywords"])
        self.optimized = bool(self.flags & f["co.optimized"])
        self.linetable = _bytes(reader, ptr("code.linetable"))
        self.count = i32("code.nlocalsplus")
        names = ptr("code.localsplusnames")
        n = reader.size(names)
        if n != self.count or not 0 <= n < 1 << 20:
            raise Unreadable("code at 0x%x: %d names for %d locals" % (address, n, self.count))
        self.names = [_name(reader, p) for p in reader.tuple_items(names)] if n else []
        if len(self.names) != n:
            raise Unreadable("code at 0x%x: its names are no tuple" % address)
        kinds = _bytes(reader, ptr("code.localspluskinds"))
        if len(kinds) != n:
            raise Unreadable("code at 0x%x: %d kinds for %d locals" % (address, len(kinds), n))
        self.kinds = kinds
        self._lines = None

    def positions(self, offset):
        """(line, end line, column, end column) of the instruction at byte
        OFFSET (code.co_positions()), or None."""
        if offset < 0:
            return None
        try:
            return _positions(self.linetable, self.firstlineno, offset)
        except IndexError:
            return None  # a table cut short: memory that is not what it should be

    def line(self, offset):
        """The line of the instruction at byte OFFSET (PyCode_Addr2Line)."""
        if offset < 0:
            return self.firstlineno
        if self._lines is None:
            try:
                self._lines = _line_ranges(self.linetable, self.firstlineno)
            except IndexError:
                self._lines = []  # a table cut short: no line is known
        for start, end, line in self._lines:
            if start <= offset < end:
                return line
        return -1


def _positions(table, firstlineno, offset):
    """(line, end line, column, end column) of the instruction at byte
    OFFSET from a location table (Objects/locations.md), None where it has
    none; a column is None where the table gives none."""
    line, start, i = firstlineno, 0, 0
    while i < len(table):
        b = table[i]
        kind, length = (b >> 3) & 15, (b & 7) + 1
        i += 1
        end_line, col, end_col, delta = None, None, None, 0
        if kind == 14:
            raw, i = _varint(table, i)
            delta = -(raw >> 1) if raw & 1 else raw >> 1
            extra, i = _varint(table, i)
            c, i = _varint(table, i)
            e, i = _varint(table, i)
            end_line, col, end_col = line + delta + extra, c - 1 if c else None, \
                e - 1 if e else None
        elif kind == 13:
            raw, i = _varint(table, i)
            delta = -(raw >> 1) if raw & 1 else raw >> 1
        elif kind in (10, 11, 12):
            delta = kind - 10
            col, end_col = table[i], table[i + 1]
            i += 2
        elif kind < 10:
            second = table[i]
            i += 1
            col = kind * 8 + ((second >> 4) & 7)
            end_col = col + (second & 15)
        end = start + 2 * length
        if kind != 15:
            line += delta
        if start <= offset < end:
            if kind == 15:
                return None
            return line, end_line if end_line is not None else line, col, end_col
        start = end
    return None


def _name(reader, address):
    try:
        return reader.str(address)
    except Unreadable:
        return "?"


def _bytes(reader, address):
    """The content of the bytes object at ADDRESS."""
    n = reader.size(address)
    if not 0 <= n < 1 << 28:
        raise Unreadable("bytes at 0x%x: length %d" % (address, n))
    return _mem(address + reader.L.off("bytes.data"), n) if n else b""


def _varint(table, i):
    b = table[i]
    i += 1
    value, shift = b & 63, 0
    while b & 64:
        b = table[i]
        i += 1
        shift += 6
        value |= (b & 63) << shift
    return value, i


def _line_ranges(table, firstlineno):
    """[(start byte, end byte, line)] of a location table: each entry's
    first byte has bit 7 set, bits 3-6 the kind and bits 0-2 the length in
    code units - 1; kind 15 is no location (line -1), 14 and 13 carry a
    signed line delta, 10 to 12 a delta of kind - 10, the others 0."""
    ranges, line, start, i = [], firstlineno, 0, 0
    while i < len(table):
        b = table[i]
        kind, length = (b >> 3) & 15, (b & 7) + 1
        delta = 0
        if kind in (13, 14):
            raw, _ = _varint(table, i + 1)
            delta = -(raw >> 1) if raw & 1 else raw >> 1
        elif kind in (10, 11, 12):
            delta = kind - 10
        end = start + 2 * length
        if kind == 15:
            ranges.append((start, end, -1))
        else:
            line += delta
            ranges.append((start, end, line))
        start = end
        i += 1
        while i < len(table) and not table[i] & 0x80:
            i += 1
    return ranges


class Walker:
    """Reads Python frames of the threads of one Runtime reading."""

    def __init__(self, rt):
        self.rt = rt
        self.version = rt.version
        self.fields = rt.fields
        self.reader = objects.Reader(rt.version, rt.fields)
        self.renderer = render.Renderer(self.reader)
        self.codes = {}
        f = self.L = self.fields
        self.off = {name: f["iframe." + name].offset for name in
                    ("previous", "globals", "locals", "owner", "localsplus", "code", "instr",
                     "frame_obj")}
        # The fixed part of a _PyInterpreterFrame, up to localsplus.
        self.head_size = self.off["localsplus"]
        self.f_lineno = f["frameobject.lineno"].offset
        self.refs = StackRefs(f)
        self.owner_generator = f["owner.generator"]
        # Owners of frames PyFrame_GetBack skips: 3.12 to 3.14's C-stack
        # shims, 3.14+'s interpreter-owned frames (and any owner above).
        self.owner_skipped = f["owner.interpreter"] if "owner.interpreter" in f else \
            f.get("owner.cstack")
        self.co_fast = (f["fast.hidden"] if "fast.hidden" in f else 0, f["fast.local"],
                        f["fast.cell"], f["fast.free"])
        self.cell_ref = f.off("cell.ref")

    def code(self, address):
        code = self.codes.get(address)
        if code is None:
            code = self.codes[address] = Code(self.reader, self.fields, address)
        return code

    def chain(self, tstate):
        """(address, head bytes, Code) of each complete frame of TSTATE,
        innermost first."""
        address = tstate.current_frame()
        seen = set()
        off = self.off
        skipped = self.owner_skipped
        while address and len(seen) < MAX_FRAMES:
            if address in seen:
                raise Unreadable("the frame chain loops back to 0x%x" % address)
            seen.add(address)
            current, head = address, _mem(address, self.head_size)
            previous = struct.unpack_from("<Q", head, off["previous"])[0]
            owner = head[off["owner"]]
            address = previous
            if skipped is not None and owner >= skipped:
                continue  # a shim (3.13+: its f_executable is None)
            code = self.code(self.code_address(head))
            instr = struct.unpack_from("<Q", head, off["instr"])[0]
            if owner == self.owner_generator or instr >= code.start + 2 * code.firsttraceable:
                yield current, head, code

    def frame_at(self, address):
        """(fixed part, Code) of the interpreter frame at ADDRESS."""
        head = _mem(address, self.head_size)
        return head, self.code(self.code_address(head))

    def code_address(self, head):
        """The code object of the frame whose fixed part is HEAD."""
        return self.refs.obj(struct.unpack_from("<Q", head, self.off["code"])[0])

    def instruction(self, head, code):
        """The byte offset of the frame's current instruction in CODE."""
        return struct.unpack_from("<Q", head, self.off["instr"])[0] - code.start

    def line(self, head, code):
        frame_obj = struct.unpack_from("<Q", head, self.off["frame_obj"])[0]
        if frame_obj:
            # PyFrame_GetLineNumber: a line set by tracing comes first.
            lineno = struct.unpack("<i", _mem(frame_obj + self.f_lineno, 4))[0]
            if lineno > 0:
                return lineno
        instr = struct.unpack_from("<Q", head, self.off["instr"])[0]
        return code.line(instr - code.start)

    def snapshot(self, tstate, first=0, count=0, with_locals=False, limit=200):
        """A model.Snapshot of frames FIRST .. FIRST+COUNT-1 (COUNT 0: all)."""
        frames, total = [], 0
        last = first + count if count else None
        for index, (address, head, code) in enumerate(self.chain(tstate)):
            total = index + 1
            if index < first or (last is not None and index >= last):
                continue
            frame = Frame(index, code.filename, self.line(head, code), code.qualname)
            if with_locals:
                self._variables(frame, address, head, code, limit)
            frames.append(frame)
        if total == 0:
            raise NoFrame("this thread runs no Python frame right now; continue to a stop "
                          "inside Python code")
        if first >= total:
            raise NoFrame("there is no Python frame %d: this thread has %d (0 to %d); see "
                          "py-hook-bt" % (first, total, total - 1))
        return Snapshot(frames, total, self.version)

    def scope(self, tstate, index):
        """(Frame without variables, {name: value address} of its bound
        variables, address of its globals dict) of frame INDEX of TSTATE:
        where py-hook-explain looks names up."""
        for i, (address, head, code) in enumerate(self.chain(tstate)):
            if i < index:
                continue
            frame = Frame(i, code.filename, self.line(head, code), code.qualname)
            names = {}
            slots = self._fast(address, code)
            if not code.optimized:
                ns = struct.unpack_from("<Q", head, self.off["locals"])[0]
                if ns and self.reader.type_of(ns) == self.reader.types["dict"]:
                    names.update(self._str_items(self.reader.dict_items(ns)))
            hidden, _, cell, _ = self.co_fast
            for j, (name, kind) in enumerate(zip(code.names, code.kinds)):
                # A body's fast slots are an inlined comprehension's (3.12+).
                if code.optimized or kind & hidden:
                    try:
                        value = self._deref(kind if code.optimized else cell, slots[j])
                    except Unreadable:
                        continue
                    if value:
                        names[name] = value
            return frame, names, struct.unpack_from("<Q", head, self.off["globals"])[0]
        raise NoFrame("there is no Python frame %d in this thread; see py-hook-bt" % index)

    # -- variables -------------------------------------------------------------

    def _variable(self, name, kind, value, limit):
        if not value:
            return Variable(name, kind, "unbound", "", "", "0")
        type_name, length, text, cut = self.renderer.fields(value, limit)
        return Variable(name, kind, type_name, "" if length is None else str(length), text,
                        "1" if cut else "0")

    def _fast(self, address, code):
        """The raw slots of the frame's fast locals (tagged on 3.14+)."""
        n = code.count
        raw = _mem(address + self.off["localsplus"], 8 * n) if n else b""
        return struct.unpack("<%dQ" % n, raw) if n else ()

    def _deref(self, kind, slot):
        """The object a variable of KIND holding SLOT is bound to (its
        cell's content for a cell or free variable), 0 for unbound."""
        value = self.refs.obj(slot)
        _, _, cell, free = self.co_fast
        if value and kind & (cell | free) and \
                self.reader.type_of(value) == self.reader.types["cell"]:
            return _u64(value + self.cell_ref)
        return value

    def _variables(self, frame, address, head, code, limit):
        try:
            if not code.optimized:
                self._body(frame, address, head, code, limit)
                return
            slots = self._fast(address, code)
            _, local, cell, free = self.co_fast
            for i, (name, kind) in enumerate(zip(code.names, code.kinds)):
                label = "arg" if kind & local and i < code.nargs else \
                    "cell" if kind & cell else "free" if kind & free else "local"
                value = self._deref(kind, slots[i])
                frame.variables.append(self._variable(name, label, value, limit))
        except Unreadable as e:
            frame.variables = []
            frame.note = "its memory could not be read (%s)" % e

    def _body(self, frame, address, head, code, limit):
        """A module or class body: its namespace, as the helper lists it."""
        hidden_kind, _, cell, free = self.co_fast
        if self.version < PY_3_13 and any(k & (cell | free) for k in code.kinds):
            frame.note = ("this class body (or exec'd code) has cell variables, and on CPython "
                          "before 3.13 reading its namespace writes them into it, which could "
                          "run the program's own mapping code; select another frame")
            return
        ns = struct.unpack_from("<Q", head, self.off["locals"])[0]
        reader = self.reader
        tp = reader.type_of(ns) if ns else 0
        if tp != reader.types["dict"]:
            flags = reader.flags(tp) if tp else 0
            if not flags & self.L["tpflags.dict_subclass"]:
                frame.note = ("this body's namespace is a %s from a metaclass's __prepare__, "
                              "not a dict; reading it would run the program's code"
                              % (reader.type_name(tp) if tp else "mapping"))
                return
        items = [(k, v) for k, v in reader.dict_items(ns, subclass=True)]
        hidden = []
        if self.version >= PY_3_12:
            slots = self._fast(address, code)
            hidden = [(name, slots[i]) for i, (name, kind) in enumerate(zip(code.names, code.kinds))
                      if kind & hidden_kind and self.refs.obj(slots[i])]
        out = []
        # A comprehension variable a closure captures is a cell.
        hidden = [(name, value) for name, value in
                  ((name, self._deref(cell, value)) for name, value in hidden) if value]
        if hidden and self.version >= PY_3_13:
            # 3.13: the frame's locals proxy answers for the comprehension's
            # own variables, listed first, then the namespace.
            out = [(name, value) for name, value in hidden]
            out += self._str_items(items)
        elif hidden:
            # 3.12: a copy of the namespace updated with them.
            merged = self._str_items(items, keep_all=True)
            index = {name: i for i, (name, _) in enumerate(merged) if name is not None}
            for name, value in hidden:
                if name in index:
                    merged[index[name]] = (name, value)
                else:
                    merged.append((name, value))
            out = [(n, v) for n, v in merged if n is not None]
        else:
            out = self._str_items(items)
        for name, value in out:
            frame.variables.append(self._variable(name, "local", value, limit))

    def _str_items(self, items, keep_all=False):
        """(name, value) of the str keys among ITEMS (key, value addresses);
        with KEEP_ALL, other keys stay as (None, value) to keep positions."""
        out = []
        for key, value in items:
            if self.reader.type_of(key) == self.reader.types["str"]:
                out.append((_name(self.reader, key), value))
            elif keep_all:
                out.append((None, value))
        return out
