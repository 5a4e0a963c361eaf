"""A value as bounded text, read from the target's memory.

The same rendering spec as the helper's helper/render.c, so a value reads
the same whichever path listed it (tests/paths.bats compares the two on
every sample):
- None, bool, float, complex: their repr; int: decimal up to 10000 bits,
  beyond that the leading hex digits and "... (N bits)";
- str and bytes: the repr of a prefix of at most value-limit characters;
- exact list, tuple, dict, set and frozenset, nested less than 3 deep:
  their items in the order the built-in iterators give, as repr shows them;
- anything else: <TypeName at 0x...>.
The text is cut at value-limit characters (code points), and the cut is
reported.  Only exact built-in types are read by value: the type pointer
is compared with the interpreter's own type objects.
"""

import struct

from . import objects
from .objects import Unreadable, _mem, _u64

MAX_DEPTH = 3
DECIMAL_BITS_MAX = 10000
_DIGIT_BITS = 30
_MAX_ITEMS = 1 << 26  # a length beyond this is a corrupt object


class _Text:
    """render.c's struct text: characters up to a limit, and whether
    something was left out."""

    def __init__(self, limit):
        self.parts = []
        self.chars = 0
        self.limit = limit
        self.full = False

    def put(self, s):
        if self.full:
            return
        room = self.limit - self.chars
        if len(s) > room:
            s = s[:room]
            self.full = True
        self.parts.append(s)
        self.chars += len(s)

    def text(self):
        return "".join(self.parts)


class Renderer:
    """Renders values of one process (an objects.Reader's)."""

    def __init__(self, reader):
        self.r = reader
        t = reader.types
        self.containers = {t["list"], t["tuple"], t["dict"], t["set"], t["frozenset"]}

    # -- what a Variable record holds --------------------------------------

    def fields(self, obj, limit):
        """(type name, length or None, value text, cut) of the object at OBJ."""
        t = _Text(limit)
        self._value(t, obj, 0)
        tp = self.r.type_of(obj)
        try:
            length = self._length(obj, tp)
        except Unreadable:
            length = None
        return self.r.type_name(tp), length, t.text(), t.full

    def _length(self, obj, tp):
        types = self.r.types
        if tp in (types["list"], types["tuple"], types["bytes"]):
            return struct.unpack("<q", _mem(obj + 16, 8))[0]
        if tp == types["dict"]:
            return struct.unpack("<q", _mem(obj + 16, 8))[0]
        if tp in (types["set"], types["frozenset"]):
            return struct.unpack("<q", _mem(obj + 24, 8))[0]
        if tp == types["str"]:
            return struct.unpack("<q", _mem(obj + 16, 8))[0]
        return None

    # -- the value ---------------------------------------------------------

    def _value(self, t, obj, depth):
        if not obj:
            t.put("<NULL>")
            return
        try:
            tp = self.r.type_of(obj)
            self._dispatch(t, obj, tp, depth)
        except Unreadable:
            t.put("<%s: could not be read>" % self._safe_type_name(obj))

    def _safe_type_name(self, obj):
        try:
            return self.r.type_name(self.r.type_of(obj))
        except Unreadable:
            return "object"

    def _dispatch(self, t, obj, tp, depth):
        types, consts = self.r.types, self.r.constants
        if obj == consts["None"]:
            t.put("None")
        elif tp == types["bool"]:
            t.put("True" if obj == consts["True"] else "False")
        elif tp == types["float"]:
            t.put(repr(struct.unpack("<d", _mem(obj + 16, 8))[0]))
        elif tp == types["complex"]:
            t.put(repr(complex(*struct.unpack("<dd", _mem(obj + 16, 16)))))
        elif tp == types["int"]:
            self._int(t, obj)
        elif tp == types["str"]:
            text, length = self.r.str_prefix(obj, t.limit)
            t.put(repr(text))
            if length > len(text):
                t.full = True
        elif tp == types["bytes"]:
            self._bytes(t, obj)
        elif tp in self.containers and depth < MAX_DEPTH:
            self._items(t, obj, tp, depth)
        else:
            t.put("<%s at 0x%x>" % (self.r.type_name(tp), obj))

    def _bytes(self, t, obj):
        length = struct.unpack("<q", _mem(obj + 16, 8))[0]
        if not 0 <= length < 1 << 48:
            raise Unreadable("bytes at 0x%x: length %d" % (obj, length))
        keep = min(length, t.limit)
        t.put(repr(_mem(obj + 32, keep) if keep else b""))
        if keep < length:
            t.full = True

    def _int(self, t, obj):
        head = struct.unpack("<q", _mem(obj + 16, 8))[0]
        if self.r.version >= objects.PY_3_12:
            count, negative = head >> 3, (head & 3) == 2
        else:
            count, negative = abs(head), head < 0
        if not 0 <= count < 1 << 40:
            raise Unreadable("int at 0x%x: %d digits" % (obj, count))
        top = _u32(obj + 24 + 4 * (count - 1)) & 0x3FFFFFFF if count else 0
        bits = _DIGIT_BITS * (count - 1) + top.bit_length() if count else 0
        if bits <= DECIMAL_BITS_MAX:
            value = _digits_value(obj + 24, 0, count)
            t.put(str(-value if negative else value))
            return
        # The leading hex digits come from the leading 30-bit digits alone
        # when an even number of digits (a multiple of 4 bits) is skipped.
        room_bits = 4 * t.limit + 2 * _DIGIT_BITS
        keep = min(count, room_bits // _DIGIT_BITS + 2)
        skip = count - keep
        if skip % 2:
            skip -= 1
        leading = _digits_value(obj + 24, skip, count)
        digits = ("-" if negative else "") + hex(leading)
        tail = "... (%d bits)" % bits
        avail = t.limit - t.chars
        room = avail - len(tail) if avail > len(tail) else 0
        was_full = t.full
        t.put(digits[:room])
        t.full = was_full
        t.put(tail)

    def _items(self, t, obj, tp, depth):
        types = self.r.types
        if tp in (types["list"], types["tuple"]):
            is_list = tp == types["list"]
            n = struct.unpack("<q", _mem(obj + 16, 8))[0]
            if not 0 <= n <= _MAX_ITEMS:
                raise Unreadable("%s at 0x%x: length %d" % ("list" if is_list else "tuple", obj, n))
            items = _u64(obj + 24) if is_list else obj + 24
            t.put("[" if is_list else "(")
            i = 0
            while i < n and not t.full:
                # Read the item pointers a batch at a time.
                batch = min(n - i, 64)
                pointers = struct.unpack("<%dQ" % batch, _mem(items + 8 * i, 8 * batch))
                for p in pointers:
                    if t.full:
                        break
                    if i:
                        t.put(", ")
                    self._value(t, p, depth + 1)
                    i += 1
            t.put(",)" if not is_list and n == 1 else "]" if is_list else ")")
            return
        if tp == types["dict"]:
            t.put("{")
            first = True
            for key, value in self.r.dict_items(obj):
                if t.full:
                    break
                if not first:
                    t.put(", ")
                first = False
                self._value(t, key, depth + 1)
                t.put(": ")
                self._value(t, value, depth + 1)
            t.put("}")
            return
        is_set = tp == types["set"]
        used = struct.unpack("<q", _mem(obj + 24, 8))[0]
        if used == 0:
            t.put("set()" if is_set else "frozenset()")
            return
        t.put("{" if is_set else "frozenset({")
        first = True
        for key in self._set_keys(obj):
            if t.full:
                break
            if not first:
                t.put(", ")
            first = False
            self._value(t, key, depth + 1)
        t.put("}" if is_set else "})")

    def _set_keys(self, obj):
        """Keys of the set at OBJ in the set iterator's order: its table
        from slot 0, skipping empty slots and deleted ones (hash -1)."""
        mask, table = struct.unpack("<qQ", _mem(obj + 32, 16))
        if not 0 <= mask < _MAX_ITEMS:
            raise Unreadable("set at 0x%x: mask %d" % (obj, mask))
        i = 0
        while i <= mask:
            batch = min(mask + 1 - i, 256)
            raw = _mem(table + 16 * i, 16 * batch)
            for j in range(batch):
                key, h = struct.unpack_from("<Qq", raw, 16 * j)
                if key and h != -1:
                    yield key
            i += batch


def _u32(address):
    return struct.unpack("<I", _mem(address, 4))[0]


def _digits_value(start, first, count):
    """The value of 30-bit digits FIRST..COUNT-1 at START (least
    significant first), as an int scaled down by the digits skipped."""
    n = count - first
    if n <= 0:
        return 0
    digits = struct.unpack("<%dI" % n, _mem(start + 4 * first, 4 * n))
    value = 0
    for digit in reversed(digits):
        value = (value << _DIGIT_BITS) | (digit & 0x3FFFFFFF)
    return value
