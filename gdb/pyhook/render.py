"""A value as bounded text, read from the target's memory.

The same rendering spec as the helper's helper/render.c, so a value reads
the same whichever path listed it (tests/paths.bats compares the two on
every sample).  Nothing of the program runs: no __repr__, no __getattr__,
no property.  By the type of the value (tests/render.bats shows each):

- None, bool, float, complex: their repr;
- int: decimal up to 4300 digits (CPython's default int_max_str_digits),
  beyond that the leading hex digits and "... (N bits)";
- str, bytes: the repr of a prefix of at most value-limit characters;
  bytearray as bytearray(b'...');
- list, tuple, dict, set, frozenset: their items as repr shows them, in
  the order iteration gives; a container inside itself as [...], {...},
  (...); nested 3 deep, a container is shown by type and address;
- range(START, STOP[, STEP]); <module 'NAME'>; <function QUALNAME>;
  <bound method QUALNAME>; <built-in function NAME> or <built-in method
  NAME of TYPE object>; a class as <class 'MODULE.QUALNAME'> (no module
  for builtins);
- an enum member as <Class.NAME: VALUE>;
- an instance of a subclass of a built-in container or number, with its
  content: Point(x=1, y=2) for a namedtuple, defaultdict(FACTORY, {...}),
  OrderedDict({...}) in its own order, MyList([...]), MyInt(5);
- an instance of a class defined in Python (deriving from object only) as
  <Name a=1, b=2>: its __slots__ (in tp_members order: CPython sorts the
  names), then its __dict__ in insertion order;
- a numpy array as <ndarray shape=(3, 4) dtype=float64>;
- anything else: <TypeName at 0x...>.
The text is cut at value-limit characters (code points), and the cut is
reported.  Types are recognised by the interpreter's own type objects and
by flags and names in the type objects, never by asking the object.
"""

import struct

from . import facts
from .objects import Unreadable, _c_string, _mem, _u64

MAX_DEPTH = 3
DECIMAL_DIGITS_MAX = 4300
_TEN_POW = 10 ** DECIMAL_DIGITS_MAX
_MAX_ITEMS = 1 << 26  # a length beyond this is a corrupt object

# numpy's PyArrayObject_fields and PyArray_Descr (facts.NUMPY).
_NUMPY = facts.NUMPY
_ENUM_METACLASSES = ("EnumType", "EnumMeta")
# Static types of the standard library whose content is shown, by tp_name.
_ODICT = "collections.OrderedDict"
_DEFAULTDICT = "collections.defaultdict"
_NDARRAY = "numpy.ndarray"

# What render_kind() says about a type.
EXACT, BYTEARRAY, RANGE, MODULE, FUNCTION, METHOD, CFUNCTION, CLASS, ENUM, SUB, \
    INSTANCE, NDARRAY, OPAQUE = range(13)


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


class _Kind:
    """How values of one type are shown: KIND, and for SUB the built-in
    base ('list', 'dict', 'odict', 'defaultdict', 'int'...) and a
    namedtuple's field names."""

    def __init__(self, kind, base=None, fields=None):
        self.kind, self.base, self.fields = kind, base, fields


class Renderer:
    """Renders values of one process (an objects.Reader's)."""

    def __init__(self, reader):
        self.r = reader
        L = reader.L
        off = L.off
        self.TYPE_BASICSIZE = off("type.basicsize")
        self.TYPE_BASE = off("type.base")
        self.TYPE_DICT = off("type.dict")
        self.TYPE_MEMBERS = off("type.members")
        self.MODULE_DICT = off("module.dict")
        self.FUNCTION_QUALNAME = off("function.qualname")
        self.METHOD_FUNC = off("method.func")
        self.CFUNCTION_ML = off("cfunction.ml")
        self.CFUNCTION_SELF = off("cfunction.self")
        self.METHODDEF_NAME = off("methoddef.name")
        self.RANGE = (off("range.start"), off("range.stop"), off("range.step"))
        self.FLOAT_VALUE = off("float.value")
        self.COMPLEX_VALUE = off("complex.value")
        self.BYTES_DATA = off("bytes.data")
        self.BYTEARRAY_START = off("bytearray.start")
        self.SET_USED = off("set.used")
        self.ODICT_FIRST = off("odict.first")
        self.ODICT_NODE = (off("odictnode.key"), off("odictnode.hash"), off("odictnode.next"))
        self.DEFAULTDICT_FACTORY = off("defaultdict.factory")
        self.MEMBER_SIZE = L["memberdef.size"]
        self.MEMBER = (off("memberdef.name"), off("memberdef.type"), off("memberdef.offset"))
        self.T_OBJECT_EX = L["memberdef.object_ex"]
        self.F_HEAPTYPE = L["tpflags.heaptype"]
        self.F_TYPE_SUBCLASS = L["tpflags.type_subclass"]
        self.F_DICT_SUBCLASS = L["tpflags.dict_subclass"]
        self.F_IMMUTABLETYPE = L["tpflags.immutabletype"]
        self.DIGIT_BITS = L["long.digit_bits"]
        t = reader.types
        self.exact = {t[name]: name for name in
                      ("list", "tuple", "dict", "set", "frozenset")}
        self.builtin_bases = {t[name]: name for name in
                              ("list", "tuple", "dict", "set", "frozenset", "int", "float",
                               "complex", "str", "bytes")}
        self.kinds = {}

    # -- what a Variable record holds --------------------------------------

    def fields(self, obj, limit):
        """(type name, length or None, value text, cut) of the object at OBJ."""
        t = _Text(limit)
        self._value(t, obj, 0, ())
        tp = self.r.type_of(obj)
        try:
            length = self._length(obj, tp)
        except Unreadable:
            length = None
        return self.r.type_name(tp), length, t.text(), t.full

    def _length(self, obj, tp):
        types = self.r.types
        if tp in (types["list"], types["tuple"], types["bytes"], types["bytearray"]):
            return self.r.size(obj)
        if tp == types["dict"]:
            return struct.unpack("<q", _mem(obj + self.r.DICT_USED, 8))[0]
        if tp == types["str"]:
            return struct.unpack("<q", _mem(obj + self.r.STR_LENGTH, 8))[0]
        if tp in (types["set"], types["frozenset"]):
            return struct.unpack("<q", _mem(obj + self.SET_USED, 8))[0]
        return None

    # -- types -------------------------------------------------------------

    def _flags(self, tp):
        return self.r.flags(tp)

    def _tp_name(self, tp):
        return _c_string(_u64(tp + self.r.TP_NAME), 4096)

    def kind(self, tp):
        """The _Kind of type TP (cached)."""
        k = self.kinds.get(tp)
        if k is None:
            k = self.kinds[tp] = self._classify(tp)
        return k

    def _classify(self, tp):
        t = self.r.types
        if tp in self.exact:
            return _Kind(EXACT, self.exact[tp])
        simple = {t["bytearray"]: BYTEARRAY, t["range"]: RANGE, t["module"]: MODULE,
                  t["function"]: FUNCTION, t["method"]: METHOD, t["cfunction"]: CFUNCTION}
        if tp in simple:
            return _Kind(simple[tp])
        flags = self._flags(tp)
        if flags & self.F_TYPE_SUBCLASS:
            return _Kind(CLASS)
        if self.r.type_name(self.r.type_of(tp)) in _ENUM_METACLASSES:
            return _Kind(ENUM)
        # The first static (not heap) type in the base chain decides, but
        # for the standard library's types that are heap types in some
        # versions (defaultdict from 3.12), found by name on the way.
        chain, root = [], tp
        while root and self._flags(root) & self.F_HEAPTYPE and len(chain) < 64:
            chain.append(root)
            root = _u64(root + self.TYPE_BASE)
        if not root:
            return _Kind(OPAQUE)
        for cls in chain + [root]:
            # Each with room for the last field read of it.
            if self._named(cls, _NDARRAY, _NUMPY["ndarray.descr"] + 8):
                return _Kind(NDARRAY)
            if flags & self.F_DICT_SUBCLASS:
                if self._named(cls, _ODICT, self.ODICT_FIRST + 8):
                    return _Kind(SUB, "odict")
                if self._named(cls, _DEFAULTDICT, self.DEFAULTDICT_FACTORY + 8):
                    return _Kind(SUB, "defaultdict")
        if not chain:
            return _Kind(OPAQUE)
        if root == t["object"]:
            # Classes of C extensions made with PyType_FromSpec are heap
            # types too: immutable ones, or ones whose instances have C fields.
            for i, cls in enumerate(chain):
                base = chain[i + 1] if i + 1 < len(chain) else root
                if self._flags(cls) & self.F_IMMUTABLETYPE or not self._python_shaped(cls, base):
                    return _Kind(OPAQUE)
            return _Kind(INSTANCE)
        base = self.builtin_bases.get(root)
        if base is None:
            return _Kind(OPAQUE)
        fields = self._namedtuple_fields(chain) if base == "tuple" else None
        return _Kind(SUB, base, fields)

    def _named(self, tp, name, basicsize):
        """Whether TP is the extension type NAME, with instances of at least
        BASICSIZE bytes: a class of Python code may be given any name, but
        it is a mutable heap type, which types of C code are not."""
        flags = self._flags(tp)
        return self._tp_name(tp) == name and \
            (not flags & self.F_HEAPTYPE or flags & self.F_IMMUTABLETYPE) and \
            struct.unpack("<q", _mem(tp + self.TYPE_BASICSIZE, 8))[0] >= basicsize

    def _python_shaped(self, cls, base):
        """Whether heap type CLS (base BASE) adds to its base's instances at
        most its __slots__ and a __dict__ and a __weakref__ slot, as a class
        of Python code does; a class of C code adds fields of its own."""
        extra = struct.unpack("<q", _mem(cls + self.TYPE_BASICSIZE, 8))[0] - \
            struct.unpack("<q", _mem(base + self.TYPE_BASICSIZE, 8))[0]
        members = 0
        defs = _u64(cls + self.TYPE_MEMBERS)
        while defs and members < 1024 and \
                _u64(defs + self.MEMBER_SIZE * members + self.MEMBER[0]):
            members += 1
        return 0 <= extra <= 8 * (members + 2) and extra % 8 == 0

    def _namedtuple_fields(self, chain):
        """The names in _fields of the first class in CHAIN whose own dict
        holds a tuple of str there (what collections.namedtuple makes)."""
        for tp in chain:
            d = _u64(tp + self.TYPE_DICT)
            fields = self.r.dict_get(d, "_fields") if d else 0
            if fields and self.r.type_of(fields) == self.r.types["tuple"]:
                n = self.r.size(fields)
                if not 0 <= n <= 4096:
                    return None
                items = self.r.tuple_items(fields)
                if any(self.r.type_of(p) != self.r.types["str"] for p in items):
                    return None
                return [self._str_or(p, "?") for p in items]
        return None

    def class_name(self, tp):
        """'module.QualName', or 'QualName' for builtins, as repr(type) shows."""
        flags = self._flags(tp)
        if flags & self.F_HEAPTYPE:
            qual = self._str_or(_u64(tp + self.r.HT_QUALNAME), "?")
            d = _u64(tp + self.TYPE_DICT)
            module = self.r.dict_get(d, "__module__") if d else 0
            mod = self._str_or(module, None) if module else None
        else:
            name = self._tp_name(tp)
            mod, _, qual = name.rpartition(".")
            mod = mod or "builtins"
        return qual if mod in (None, "builtins") else "%s.%s" % (mod, qual)

    def _str_or(self, obj, default):
        try:
            return self.r.str(obj) if obj else default
        except Unreadable:
            return default

    # -- the value ---------------------------------------------------------

    def _value(self, t, obj, depth, stack):
        if not obj:
            t.put("<NULL>")
            return
        try:
            tp = self.r.type_of(obj)
            self._dispatch(t, obj, tp, depth, stack)
        except Unreadable:
            t.put("<%s: could not be read>" % self._safe_type_name(obj))

    def _safe_type_name(self, obj):
        try:
            return self.r.type_name(self.r.type_of(obj))
        except Unreadable:
            return "object"

    def _scalar(self, t, obj, tp):
        """Whether OBJ is one of the scalar built-ins, and if so put it."""
        types, consts = self.r.types, self.r.constants
        if obj == consts["None"]:
            t.put("None")
        elif tp == types["bool"]:
            t.put("True" if obj == consts["True"] else "False")
        elif tp == types["float"]:
            t.put(repr(struct.unpack("<d", _mem(obj + self.FLOAT_VALUE, 8))[0]))
        elif tp == types["complex"]:
            t.put(repr(complex(*struct.unpack("<dd", _mem(obj + self.COMPLEX_VALUE, 16)))))
        elif tp == types["int"]:
            self._int(t, obj)
        elif tp == types["str"]:
            self._str(t, obj)
        elif tp == types["bytes"]:
            self._bytes(t, obj)
        else:
            return False
        return True

    def _dispatch(self, t, obj, tp, depth, stack):
        if self._scalar(t, obj, tp):
            return
        k = self.kind(tp)
        nested = k.kind in (EXACT, SUB, INSTANCE, ENUM)
        if nested and obj in stack:
            t.put(self._again(k, tp))
            return
        if nested and depth >= MAX_DEPTH:
            t.put("<%s at 0x%x>" % (self.r.type_name(tp), obj))
            return
        inner = stack + (obj,)
        kind = k.kind
        if kind == EXACT:
            self._items(t, obj, k.base, depth, inner)
        elif kind == BYTEARRAY:
            self._bytearray(t, obj)
        elif kind == RANGE:
            start, stop, step = (_u64(obj + at) for at in self.RANGE)
            t.put("range(")
            self._value(t, start, depth + 1, stack)
            t.put(", ")
            self._value(t, stop, depth + 1, stack)
            if not (self.r.type_of(step) == self.r.types["int"] and self.r.int(step) == 1):
                t.put(", ")
                self._value(t, step, depth + 1, stack)
            t.put(")")
        elif kind == MODULE:
            d = _u64(obj + self.MODULE_DICT)
            name = self.r.dict_get(d, "__name__") if d else 0
            t.put("<module %s>" % _quoted(self._str_or(name, "?")))
        elif kind == FUNCTION:
            t.put("<function %s>" % self._str_or(_u64(obj + self.FUNCTION_QUALNAME), "?"))
        elif kind == METHOD:
            func = _u64(obj + self.METHOD_FUNC)
            if func and self.r.type_of(func) == self.r.types["function"]:
                t.put("<bound method %s>"
                      % self._str_or(_u64(func + self.FUNCTION_QUALNAME), "?"))
            else:
                t.put("<bound method>")
        elif kind == CFUNCTION:
            self._cfunction(t, obj)
        elif kind == CLASS:
            t.put("<class %s>" % _quoted(self.class_name(obj)))
        elif kind == ENUM:
            self._enum(t, obj, tp, depth, inner)
        elif kind == SUB:
            self._sub(t, obj, tp, k, depth, inner)
        elif kind == INSTANCE:
            self._instance(t, obj, tp, depth, inner)
        elif kind == NDARRAY:
            self._ndarray(t, obj, tp)
        else:
            t.put("<%s at 0x%x>" % (self.r.type_name(tp), obj))

    def _again(self, k, tp):
        """What a container shows where it contains itself."""
        base = k.base if k.kind in (EXACT, SUB) else None
        if base in ("list",):
            return "[...]"
        if base in ("dict", "odict", "defaultdict", "set", "frozenset"):
            return "{...}"
        if base == "tuple":
            return "(...)"
        return "<%s ...>" % self.r.type_name(tp)

    # -- scalars -----------------------------------------------------------

    def _str(self, t, obj):
        text, length = self.r.str_prefix(obj, t.limit)
        t.put(repr(text))
        if length > len(text):
            t.full = True

    def _bytes(self, t, obj, shown="%r", data=None):
        """The repr of a prefix of at most value-limit bytes, in SHOWN, of
        the bytes at OBJ, or of a bytearray whose data is at DATA."""
        length = self.r.size(obj)
        if not 0 <= length < 1 << 48:
            raise Unreadable("%s at 0x%x: length %d" % (self.r.type_name(self.r.type_of(obj)),
                                                       obj, length))
        keep = min(length, t.limit)
        start = obj + self.BYTES_DATA if data is None else data
        t.put(shown % (_mem(start, keep) if keep else b""))
        if keep < length:
            t.full = True

    def _bytearray(self, t, obj):
        self._bytes(t, obj, "bytearray(%r)", _u64(obj + self.BYTEARRAY_START))

    def _int(self, t, obj):
        count, negative = self.r.long_header(obj)
        if not 0 <= count < 1 << 40:
            raise Unreadable("int at 0x%x: %d digits" % (obj, count))
        digit_bits = self.DIGIT_BITS
        top = self.r.digits(obj, count - 1, 1)[0] & ((1 << digit_bits) - 1) if count else 0
        bits = digit_bits * (count - 1) + top.bit_length() if count else 0
        # 2**14287 > 10**4300: a longer int has more than 4300 digits.
        if bits <= 14287:
            value = self._digits_value(obj, 0, count)
            if value < _TEN_POW:
                t.put(str(-value if negative else value))
                return
        # The leading hex digits come from the leading 30-bit digits alone
        # when an even number of digits (a multiple of 4 bits) is skipped.
        room_bits = 4 * t.limit + 2 * digit_bits
        keep = min(count, room_bits // digit_bits + 2)
        skip = count - keep
        if skip % 2:
            skip -= 1
        leading = self._digits_value(obj, skip, count)
        digits = ("-" if negative else "") + hex(leading)
        tail = "... (%d bits)" % bits
        avail = t.limit - t.chars
        room = avail - len(tail) if avail > len(tail) else 0
        was_full = t.full
        t.put(digits[:room])
        t.full = was_full
        t.put(tail)

    def _digits_value(self, obj, first, count):
        """The value of digits FIRST..COUNT-1 of the int at OBJ (least
        significant first), as an int scaled down by the digits skipped."""
        n = count - first
        if n <= 0:
            return 0
        value, bits = 0, self.DIGIT_BITS
        mask = (1 << bits) - 1
        for digit in reversed(self.r.digits(obj, first, n)):
            value = (value << bits) | (digit & mask)
        return value

    def _cfunction(self, t, obj):
        ml, owner = _u64(obj + self.CFUNCTION_ML), _u64(obj + self.CFUNCTION_SELF)
        name = _c_string(_u64(ml + self.METHODDEF_NAME), 4096) if ml else "?"
        if not owner or self.r.type_of(owner) == self.r.types["module"]:
            t.put("<built-in function %s>" % name)
        else:
            t.put("<built-in method %s of %s object>"
                  % (name, self.r.type_name(self.r.type_of(owner))))

    # -- containers ----------------------------------------------------------

    def _items(self, t, obj, base, depth, stack):
        """The items of OBJ, whose storage is that of built-in BASE, in
        BASE's repr: [..], (..), {k: v}, {..} or set()."""
        if base in ("list", "tuple"):
            is_list = base == "list"
            n = self.r.size(obj)
            if not 0 <= n <= _MAX_ITEMS:
                raise Unreadable("%s at 0x%x: length %d" % (base, obj, n))
            items = _u64(obj + self.r.LIST_ITEMS) if is_list else obj + self.r.TUPLE_ITEMS
            t.put("[" if is_list else "(")
            i = 0
            while i < n and not t.full:
                batch = min(n - i, 64)  # item pointers a batch at a time
                pointers = struct.unpack("<%dQ" % batch, _mem(items + 8 * i, 8 * batch))
                for p in pointers:
                    if t.full:
                        break
                    if i:
                        t.put(", ")
                    self._value(t, p, depth + 1, stack)
                    i += 1
            t.put(",)" if not is_list and n == 1 else "]" if is_list else ")")
            return
        if base in ("dict", "odict", "defaultdict"):
            items = self._odict_items(obj) if base == "odict" else \
                self.r.dict_items(obj, subclass=True)
            self._pairs(t, items, depth, stack)
            return
        is_set = base == "set"
        used = struct.unpack("<q", _mem(obj + self.SET_USED, 8))[0]
        if used == 0:
            t.put("set()" if is_set else "frozenset()")
            return
        t.put("{" if is_set else "frozenset({")
        self._joined(t, self.r.set_keys(obj), lambda key: self._value(t, key, depth + 1, stack))
        t.put("}" if is_set else "})")

    def _pairs(self, t, items, depth, stack):
        def pair(item):
            self._value(t, item[0], depth + 1, stack)
            t.put(": ")
            self._value(t, item[1], depth + 1, stack)
        t.put("{")
        self._joined(t, items, pair)
        t.put("}")

    @staticmethod
    def _joined(t, items, put):
        """PUT each of ITEMS, separated by ", ", until T is full."""
        for i, item in enumerate(items):
            if t.full:
                break
            if i:
                t.put(", ")
            put(item)

    def _odict_items(self, obj):
        """An OrderedDict's items in its own order: its list of nodes (key,
        hash, next, prev from od_first), each key's value found through the
        dict's hash table by identity, as helper/objects.c does: O(1) a
        node, and nothing read past what is shown."""
        used = struct.unpack("<q", _mem(obj + self.r.DICT_USED, 8))[0]
        node = _u64(obj + self.ODICT_FIRST)
        at_key, at_hash, at_next = self.ODICT_NODE
        seen = 0
        while node and seen <= 2 * used + 8:
            key = _u64(node + at_key)
            h = struct.unpack("<q", _mem(node + at_hash, 8))[0]
            value = self._dict_value_of(obj, key, h)
            if value:
                yield key, value
            node = _u64(node + at_next)
            seen += 1

    def _dict_value_of(self, obj, key, h):
        """The value of KEY (by identity) in the combined dict OBJ, by the
        probe sequence of Objects/dictobject.c, or 0."""
        r = self.r
        keys, values = _u64(obj + r.DICT_KEYS), _u64(obj + r.DICT_VALUES)
        if not keys or values:
            return 0
        log2 = _mem(keys + r.L.off("dictkeys.log2_size"), 1)[0]
        log2_index_bytes = _mem(keys + r.DK_LOG2_INDEX_BYTES, 1)[0]
        general = _mem(keys + r.DK_KIND, 1)[0] == r.DK_KINDS[0]
        if log2 > 40:
            return 0
        mask = (1 << log2) - 1
        width = 1 if log2 < 8 else 2 if log2 < 16 else 4 if log2 < 32 else 8
        fmt = {1: "<b", 2: "<h", 4: "<i", 8: "<q"}[width]
        indices = keys + r.DK_INDICES
        entries = indices + (1 << log2_index_bytes)
        size = r.DK_ENTRY if general else r.DK_UNICODE_ENTRY
        perturb = h & 0xFFFFFFFFFFFFFFFF
        i = perturb & mask
        for _ in range(mask + 65):
            ix = struct.unpack(fmt, _mem(indices + width * i, width))[0]
            if ix == -1:
                return 0
            if ix >= 0:
                # The key and value are an entry's last two words.
                entry = entries + size * ix + size - 16
                k, v = struct.unpack("<QQ", _mem(entry, 16))
                if k == key:
                    return v
            perturb >>= 5
            i = mask & (i * 5 + perturb + 1)
        return 0

    # -- instances -------------------------------------------------------------

    def _sub(self, t, obj, tp, k, depth, stack):
        name = self.r.type_name(tp)
        base = k.base
        if base in ("int", "float", "complex", "str", "bytes"):
            t.put(name + "(")
            self._scalar(t, obj, self.r.types[base])
            t.put(")")
            return
        if k.fields is not None:
            self._namedtuple(t, obj, name, k.fields, depth, stack)
            return
        t.put(name + "(")
        if base == "defaultdict":
            self._value(t, _u64(obj + self.DEFAULTDICT_FACTORY), depth + 1, stack)
            t.put(", ")
        self._items(t, obj, base, depth, stack)
        t.put(")")

    def _namedtuple(self, t, obj, name, fields, depth, stack):
        n = self.r.size(obj)
        if not 0 <= n <= _MAX_ITEMS:
            raise Unreadable("tuple at 0x%x: length %d" % (obj, n))
        t.put(name + "(")
        for i in range(n):
            if t.full:
                break
            if i:
                t.put(", ")
            if i < len(fields):
                t.put(fields[i] + "=")
            self._value(t, _u64(obj + self.r.TUPLE_ITEMS + 8 * i), depth + 1, stack)
        t.put(")")

    def _attributes(self, obj, tp, limit):
        """(name, value address) of OBJ's __slots__ (base classes first, in
        tp_members order, which CPython sorted) and then its __dict__; names read to LIMIT
        characters, as many as can be shown."""
        chain = []
        cls = tp
        while cls and self._flags(cls) & self.F_HEAPTYPE and len(chain) < 64:
            chain.append(cls)
            cls = _u64(cls + self.TYPE_BASE)
        at_name, at_type, at_offset = self.MEMBER
        for cls in reversed(chain):
            members = _u64(cls + self.TYPE_MEMBERS)
            for i in range(1024):
                if not members:
                    break
                raw = _mem(members + self.MEMBER_SIZE * i, self.MEMBER_SIZE)
                name = struct.unpack_from("<Q", raw, at_name)[0]
                kind = struct.unpack_from("<i", raw, at_type)[0]
                offset = struct.unpack_from("<q", raw, at_offset)[0]
                if not name:
                    break
                if kind == self.T_OBJECT_EX:
                    value = _u64(obj + offset)
                    if value:
                        yield _c_string(name, 4096), value
        for key, value in self.r.instance_items(obj, tp):
            if self.r.type_of(key) == self.r.types["str"]:
                name = self.r.str_prefix(key, limit)[0]
                try:
                    name.encode("utf-8")  # the helper leaves out one that is not
                except UnicodeEncodeError:
                    continue
                yield name, value

    def attribute(self, obj, name):
        """The address of OBJ's attribute NAME, from its __slots__ or its
        __dict__, or 0."""
        for key, value in self._attributes(obj, self.r.type_of(obj), 4096):
            if key == name:
                return value
        return 0

    def _instance(self, t, obj, tp, depth, stack):
        t.put("<" + self.r.type_name(tp))
        for i, (name, value) in enumerate(self._attributes(obj, tp, t.limit)):
            if t.full:
                break
            t.put((", " if i else " ") + name + "=")
            self._value(t, value, depth + 1, stack)
        t.put(">")

    def _enum(self, t, obj, tp, depth, stack):
        name = value = 0
        for key, v in self.r.instance_items(obj, tp):
            if self.r.type_of(key) != self.r.types["str"]:
                continue
            attr = self.r.str_prefix(key, 8)[0]
            if attr == "_name_":
                name = v
            elif attr == "_value_":
                value = v
        t.put("<" + self.r.type_name(tp))
        if name and self.r.type_of(name) == self.r.types["str"]:
            t.put("." + self._str_or(name, "?"))
        if value:
            t.put(": ")
            self._value(t, value, depth + 1, stack)
        t.put(">")

    def _ndarray(self, t, obj, tp):
        nd = struct.unpack("<i", _mem(obj + _NUMPY["ndarray.nd"], 4))[0]
        if not 0 <= nd <= 64:
            raise Unreadable("ndarray at 0x%x: %d dimensions" % (obj, nd))
        dims_at = _u64(obj + _NUMPY["ndarray.dimensions"])
        descr = _u64(obj + _NUMPY["ndarray.descr"])
        dims = struct.unpack("<%dq" % nd, _mem(dims_at, 8 * nd)) if nd else ()
        shape = "(%s)" % (", ".join(map(str, dims)) + ("," if nd == 1 else ""))
        scalar = _u64(descr + _NUMPY["descr.typeobj"]) if descr else 0
        dtype = self.r.type_name(scalar) if scalar else "?"
        t.put("<%s shape=%s dtype=%s>" % (self.r.type_name(tp), shape, dtype))


def _quoted(text):
    return "'%s'" % text
