"""Python objects read from the target's memory, without running anything.

For what py-hook must know where it makes no call (py-hook-status at any
stop, core files): exact built-in dicts, str and int objects, modules, and
the attributes of instances of Python classes, on CPython 3.11 to 3.15.
Every read is bounded and type-checked against the interpreter's own type
objects (PyDict_Type, PyUnicode_Type, ...), so a corrupt or unexpected
object gives Unreadable, never a wrong value.  Every offset, size and flag
comes from the process's Layout (layout.py, facts.py); what differs between
versions beyond offsets:

- a dict's keys object holds the index table at dictkeys.indices, then the
  entries: (hash, key, value) for the general kind, (key, value) for str
  keys and split tables.  A split dict's values are a plain array before
  3.13, from 3.13 on a PyDictValues whose slots follow its 8-byte header
  and whose insertion order follows its 'capacity' slots (before 3.13 the
  order is in the bytes before the values: the count at [-2], the indices
  from [-3] down).
- a str's characters follow the PyASCIIObject (ASCII) or the
  PyCompactUnicodeObject, 1, 2 or 4 bytes each; 3.11's legacy strings
  point to them (PyUnicodeObject.data).
- an int: 3.11 ob_size holds the sign and the digit count, 3.12+ lv_tag
  holds the digit count above its 3 low bits and the sign in its 2 lowest
  (2 is negative); digits of long.digit_bits bits.
- an instance of a Python class keeps its attributes in a dict or a values
  array whose names are its type's cached keys (ht_cached_keys): 3.11 the
  dict pointer 3 words before the object and the values pointer 4 words
  before; 3.12 one tagged word 3 words before (when its low bit is set,
  the values' address - 1); 3.13+ the dict 3 words before, the values
  inline after tp_basicsize when the type has Py_TPFLAGS_INLINE_VALUES.
"""

import array
import contextlib
import struct

import gdb

from .layout import PY_3_12, PY_3_13
from .target import symbol_address

# The managed dict and values pointers: words before the object (the
# pre-header CPython keeps below PyObject_HEAD; pycore_object.h).
_MANAGED_DICT = -24
_MANAGED_VALUES_3_11 = -32
_MAX_ENTRIES = 1 << 40  # beyond this, a corrupt keys object
_BATCH = 256
_MAX_NAME = 1 << 20  # characters of a name; a longer one is shown as '?'


class Unreadable(Exception):
    """The object is not what it should be, or its memory cannot be read."""


def _read(address, size):
    try:
        return bytes(gdb.selected_inferior().read_memory(address, size))
    except (gdb.error, gdb.MemoryError, OverflowError, ValueError) as e:
        raise Unreadable("memory at 0x%x: %s" % (address, e))


# Reading memory through gdb costs about as much for 512 bytes as for 8,
# and the objects a listing reads lie close together (pymalloc's pools,
# the frames' data stack), so while a listing is read, memory is fetched
# in aligned blocks of _BLOCK bytes (never across a page end) and kept
# until it ends: the process is stopped and nothing here writes to it.
_BLOCK = 512
_blocks = None


@contextlib.contextmanager
def cached():
    """Within it, reads go through a block cache (see _BLOCK)."""
    global _blocks
    outer = _blocks
    if outer is None:
        _blocks = {}
    try:
        yield
    finally:
        _blocks = outer


def _mem(address, size):
    if _blocks is None or size > _BLOCK:
        return _read(address, size)
    base = address & ~(_BLOCK - 1)
    end = address + size
    if end > base + _BLOCK:
        return _read(address, size)
    block = _blocks.get(base)
    if block is None:
        try:
            block = _blocks[base] = _read(base, _BLOCK)
        except Unreadable:
            return _read(address, size)  # the block's start is not mapped
    return block[address - base:end - base]


def _u64(address):
    return struct.unpack("<Q", _mem(address, 8))[0]


def _c_string(address, limit):
    """The NUL-terminated UTF-8 string at ADDRESS (at most LIMIT bytes)."""
    out = b""
    while len(out) < limit:
        at = address + len(out)
        chunk = _mem(at, min(256, 4096 - at % 4096))  # never across a page end
        end = chunk.find(b"\0")
        if end >= 0:
            return (out + chunk[:end]).decode("utf-8", "replace")
        out += chunk
    return out[:limit].decode("utf-8", "replace")


class Reader:
    """Reads objects of one process; FIELDS is the runtime layout (layout.py)."""

    # Type objects by the name py-hook uses, and the symbol that is each.
    TYPES = (("dict", "PyDict_Type"), ("str", "PyUnicode_Type"), ("int", "PyLong_Type"),
             ("module", "PyModule_Type"), ("float", "PyFloat_Type"),
             ("complex", "PyComplex_Type"), ("bool", "PyBool_Type"),
             ("bytes", "PyBytes_Type"), ("list", "PyList_Type"), ("tuple", "PyTuple_Type"),
             ("set", "PySet_Type"), ("frozenset", "PyFrozenSet_Type"),
             ("cell", "PyCell_Type"), ("code", "PyCode_Type"),
             ("bytearray", "PyByteArray_Type"), ("range", "PyRange_Type"),
             ("function", "PyFunction_Type"), ("method", "PyMethod_Type"),
             ("cfunction", "PyCFunction_Type"), ("object", "PyBaseObject_Type"),
             ("type", "PyType_Type"), ("generator", "PyGen_Type"),
             ("coroutine", "PyCoro_Type"), ("async_generator", "PyAsyncGen_Type"),
             ("weakref", "_PyWeakref_RefType"))
    CONSTANTS = (("None", "_Py_NoneStruct"), ("True", "_Py_TrueStruct"),
                 ("False", "_Py_FalseStruct"))

    def __init__(self, version, fields):
        self.version = version
        self.fields = fields
        self.L = fields
        self.types = {}
        self.constants = {}
        for table, pairs in ((self.types, self.TYPES), (self.constants, self.CONSTANTS)):
            for name, symbol in pairs:
                address = symbol_address(symbol)
                if address is None:
                    raise Unreadable("no %s symbol" % symbol)
                table[name] = address
        self.type_names = {}
        self.tp_names = {}
        L = fields
        off = L.off
        self.OB_TYPE = off("object.type")
        self.OB_SIZE = off("varobject.size")
        self.TP_NAME = off("type.name")
        self.TP_FLAGS = off("type.flags")
        self.TP_BASICSIZE = off("type.basicsize")
        self.TP_ITEMSIZE = off("type.itemsize")
        self.TP_DICT = off("type.dict")
        self.TP_DICTOFFSET = off("type.dictoffset")
        self.TP_MRO = off("type.mro")
        self.HT_QUALNAME = off("heaptype.qualname")
        self.HT_CACHED_KEYS = off("heaptype.cached_keys")
        self.TUPLE_ITEMS = off("tuple.items")
        self.LIST_ITEMS = off("list.items")
        self.DICT_USED = off("dict.used")
        self.DICT_KEYS = off("dict.keys")
        self.DICT_VALUES = off("dict.values")
        self.DK_LOG2_INDEX_BYTES = off("dictkeys.log2_index_bytes")
        self.DK_KIND = off("dictkeys.kind")
        self.DK_NENTRIES = off("dictkeys.nentries")
        self.DK_INDICES = off("dictkeys.indices")
        self.DK_KINDS = (L["dictkeys.general"], L["dictkeys.unicode"], L["dictkeys.split"])
        self.DK_ENTRY = L["dictkeys.entry_size"]
        self.DK_UNICODE_ENTRY = L["dictkeys.unicode_entry_size"]
        self.STR_LENGTH = off("str.length")
        self.STR_STATE = L["str.state"]
        self.STR_KIND = L["str.state.kind"]
        self.STR_COMPACT = L["str.state.compact"]
        self.STR_ASCII = L["str.state.ascii"]
        self.STR_ASCII_SIZE = L["str.ascii_size"]
        self.STR_COMPACT_SIZE = L["str.compact_size"]
        self.STR_DATA = off("str.data")
        self.LONG_TAG = off("long.tag")
        self.LONG_DIGITS = off("long.digits")
        self.DIGIT_BITS = L["long.digit_bits"]
        self.FLOAT_VALUE = off("float.value")
        self.SET_MASK = off("set.mask")
        self.SET_TABLE = off("set.table")
        self.SETENTRY = L["setentry.size"]
        self.SETENTRY_HASH = off("setentry.hash")
        self.MODULE_DICT = off("module.dict")
        self.CELL_REF = off("cell.ref")
        self.WEAKREF_OBJECT = off("weakref.object")
        self.F_MANAGED_DICT = L["tpflags.managed_dict"]
        self.F_HEAPTYPE = L["tpflags.heaptype"]
        self.F_DICT_SUBCLASS = L["tpflags.dict_subclass"]
        self.F_INLINE_VALUES = L.get("tpflags.inline_values", 0)
        self.MANAGED_DICT = L["object.managed_dict"]
        self.MANAGED_VALUES = L.get("object.managed_values")
        if version >= PY_3_13:
            self.VALUES_CAPACITY = off("dictvalues.capacity")
            self.VALUES_SIZE = off("dictvalues.size")
            self.VALUES_VALID = off("dictvalues.valid")
            self.VALUES_SLOTS = off("dictvalues.values")

    def type_of(self, obj):
        return _u64(obj + self.OB_TYPE)

    def flags(self, tp):
        """tp_flags of the type at TP."""
        return _u64(tp + self.TP_FLAGS)

    def size(self, obj):
        """ob_size of the variable-size object at OBJ."""
        return struct.unpack("<q", _mem(obj + self.OB_SIZE, 8))[0]

    def type_name(self, tp):
        """PyType_Name of the type object at TP: tp_name after its last dot."""
        name = self.type_names.get(tp)
        if name is None:
            raw = _c_string(_u64(tp + self.TP_NAME), 1 << 20)
            name = raw.rsplit(".", 1)[-1]
            self.type_names[tp] = name
        return name

    def tp_name(self, tp):
        """The whole tp_name of the type at TP ('_asyncio.Task', 'list')."""
        name = self.tp_names.get(tp)
        if name is None:
            name = self.tp_names[tp] = _c_string(_u64(tp + self.TP_NAME), 1 << 20)
        return name

    def mro(self, tp):
        """The type objects of TP's tp_mro (just TP where it has none)."""
        return self.tuple_items(_u64(tp + self.TP_MRO), 4096) or [tp]

    def tuple_items(self, obj, most=1 << 20):
        """The item addresses of the exact tuple at OBJ ([] for anything else)."""
        if not obj or self.type_of(obj) != self.types["tuple"]:
            return []
        size = _u64(obj + self.OB_SIZE)
        if size > most:
            raise Unreadable("a tuple of %d items at 0x%x" % (size, obj))
        return list(struct.unpack("<%dQ" % size, _mem(obj + self.TUPLE_ITEMS, 8 * size))) \
            if size else []

    def sequence_items(self, obj, first, count):
        """COUNT item addresses from index FIRST of the list or tuple at OBJ
        (a subclass too: the storage is the same)."""
        if self.type_of(obj) == self.types["list"] or \
                self.flags(self.type_of(obj)) & self.L["tpflags.list_subclass"]:
            items = _u64(obj + self.LIST_ITEMS)
        else:
            items = obj + self.TUPLE_ITEMS
        return struct.unpack("<%dQ" % count, _mem(items + 8 * first, 8 * count)) if count else ()

    def float(self, obj):
        """The value of the exact float at OBJ."""
        self._expect(obj, "float")
        return struct.unpack("<d", _mem(obj + self.FLOAT_VALUE, 8))[0]

    def set_keys(self, obj):
        """Keys of the set at OBJ in the set iterator's order: its table
        from slot 0, skipping empty slots and deleted ones (hash -1)."""
        mask = struct.unpack("<q", _mem(obj + self.SET_MASK, 8))[0]
        table = _u64(obj + self.SET_TABLE)
        if not 0 <= mask < _MAX_ENTRIES:
            raise Unreadable("set at 0x%x: mask %d" % (obj, mask))
        width, at_hash = self.SETENTRY, self.SETENTRY_HASH
        i = 0
        while i <= mask:
            batch = min(mask + 1 - i, 256)
            raw = _mem(table + width * i, width * batch)
            for j in range(batch):
                key = struct.unpack_from("<Q", raw, width * j)[0]
                h = struct.unpack_from("<q", raw, width * j + at_hash)[0]
                if key and h != -1:
                    yield key
            i += batch

    def full_type_names(self, tp):
        """The other names of the type at TP: its whole tp_name (module.Name
        for a static type), and for a class statement's type its qualified
        name and module.qualname.  Reads no more than it must."""
        names = []
        raw = _c_string(_u64(tp + self.TP_NAME), 1 << 20)
        if "." in raw:
            names.append(raw)
        if self.flags(tp) & self.F_HEAPTYPE:
            try:
                qualname = self.str(_u64(tp + self.HT_QUALNAME))
                names.append(qualname)
                tp_dict = _u64(tp + self.TP_DICT)
                module = self.dict_get(tp_dict, "__module__") if tp_dict else 0
                if module and self.type_of(module) == self.types["str"]:
                    names.append(self.str(module) + "." + qualname)
            except Unreadable:
                pass
        return names

    def _expect(self, obj, kind):
        if not obj or self.type_of(obj) != self.types[kind]:
            raise Unreadable("0x%x is not a %s" % (obj, kind))

    def str(self, obj):
        """The text of the exact str at OBJ, a name: as the helper reads
        names, it must encode as UTF-8 (no lone surrogate)."""
        self._expect(obj, "str")
        text, length = self.str_prefix(obj, _MAX_NAME + 1)
        if length > _MAX_NAME:
            raise Unreadable("str at 0x%x: %d characters, too long for a name" % (obj, length))
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise Unreadable("str at 0x%x is not valid UTF-8 text" % obj)
        return text

    def _bits(self, word, f):
        """The bitfield F of the state word WORD (read at F's byte)."""
        return (word >> f.bit) & ((1 << f.bits) - 1)

    def str_prefix(self, obj, count):
        """(the first COUNT characters, the length) of the str at OBJ (an
        instance of str or a subclass: the storage is the same)."""
        length = struct.unpack("<q", _mem(obj + self.STR_LENGTH, 8))[0]
        kind_f = self.STR_KIND
        state = _mem(obj + kind_f.offset, 1)[0]
        kind = self._bits(state, kind_f)
        compact = _mem(obj + self.STR_COMPACT.offset, 1)[0] >> self.STR_COMPACT.bit & 1
        ascii = _mem(obj + self.STR_ASCII.offset, 1)[0] >> self.STR_ASCII.bit & 1
        if kind not in (1, 2, 4) or not 0 <= length < 1 << 48:
            raise Unreadable("str at 0x%x: not a string of a sane length" % obj)
        if compact:
            start = obj + (self.STR_ASCII_SIZE if ascii else self.STR_COMPACT_SIZE)
        else:
            # 3.11's legacy strings (PyUnicodeObject): a pointer to the data
            # after the compact header.
            start = _u64(obj + self.STR_DATA)
        keep = min(length, count)
        data = _mem(start, keep * kind) if keep else b""
        if kind == 1:
            return data.decode("latin-1"), length
        # Code point by code point: a UTF-16 decoder would join two
        # surrogates stored side by side, which Python keeps apart.
        return "".join(map(chr, array.array("H" if kind == 2 else "I", data))), length

    def long_header(self, obj):
        """(digit count, negative) of the int at OBJ (an instance of int or
        a subclass)."""
        head = struct.unpack("<q", _mem(obj + self.LONG_TAG, 8))[0]
        if self.version >= PY_3_12:
            return head >> 3, (head & 3) == 2
        return abs(head), head < 0

    def digits(self, obj, first, count):
        """COUNT digits of the int at OBJ from digit FIRST, least significant first."""
        return struct.unpack("<%dI" % count, _mem(obj + self.LONG_DIGITS + 4 * first,
                                                  4 * count)) if count else ()

    def int(self, obj):
        """The value of the exact int at OBJ."""
        self._expect(obj, "int")
        count, negative = self.long_header(obj)
        if count > 64:
            raise Unreadable("int at 0x%x is too large for an identifier" % obj)
        value = 0
        bits, mask = self.DIGIT_BITS, (1 << self.DIGIT_BITS) - 1
        for digit in reversed(self.digits(obj, 0, count)):
            value = (value << bits) | (digit & mask)
        return -value if negative else value

    def _entries(self, keys, values=None, keep_empty=False):
        """(key, value) addresses of a keys object, values from VALUES (a
        split table) when given; KEEP_EMPTY keeps the empty entries, so
        that positions stay entry indices."""
        log2_index_bytes = _mem(keys + self.DK_LOG2_INDEX_BYTES, 1)[0]
        kind = _mem(keys + self.DK_KIND, 1)[0]
        count = struct.unpack("<q", _mem(keys + self.DK_NENTRIES, 8))[0]
        if kind not in self.DK_KINDS or not 0 <= count <= _MAX_ENTRIES or log2_index_bytes > 40:
            raise Unreadable("dict keys at 0x%x do not look like a keys object" % keys)
        width = self.DK_ENTRY if kind == self.DK_KINDS[0] else self.DK_UNICODE_ENTRY
        start = keys + self.DK_INDICES + (1 << log2_index_bytes)
        # A batch of entries at a time: a listing stops reading a dict of
        # millions of items once its value is cut.
        for first in range(0, count, _BATCH):
            n = min(_BATCH, count - first)
            table = _mem(start + width * first, width * n)
            slots = struct.unpack("<%dQ" % n, _mem(values + 8 * first, 8 * n)) \
                if values is not None else None
            for i in range(n):
                # The key and value are an entry's last two words.
                key, value = struct.unpack_from("<QQ", table, i * width + width - 16)
                if slots is not None:
                    value = slots[i]
                if (key and value) or keep_empty:
                    yield key, value

    def dict_items(self, obj, subclass=False):
        """(key address, value address) of the dict at OBJ in the order
        PyDict_Next gives them; SUBCLASS admits an instance of a subclass
        of dict (its storage is a dict's)."""
        tp = self.type_of(obj) if obj else 0
        if tp != self.types["dict"] and not (
                subclass and tp and self.flags(tp) & self.F_DICT_SUBCLASS):
            raise Unreadable("0x%x is not a dict" % obj)
        used = struct.unpack("<q", _mem(obj + self.DICT_USED, 8))[0]
        keys, values = _u64(obj + self.DICT_KEYS), _u64(obj + self.DICT_VALUES)
        if not values:
            return self._entries(keys)
        return self._split_items(keys, values, used)

    def _split_items(self, keys, values, used=None):
        """A split table's items in insertion order: 3.11 and 3.12 keep the
        order in the bytes before the values (the count at [-2], the
        indices from [-3] down), 3.13+ in the bytes after its 'capacity'
        value slots (the count is its 'size').  USED: the count, where
        a dict gives it."""
        modern = self.version >= PY_3_13
        if used is None:
            used = _mem(values + self.VALUES_SIZE, 1)[0] if modern else _mem(values - 2, 1)[0]
        if not 0 <= used <= 255:
            raise Unreadable("split dict values at 0x%x: %d items" % (values, used))
        if modern:
            capacity = _mem(values + self.VALUES_CAPACITY, 1)[0]
            slots = values + self.VALUES_SLOTS
            order = _mem(slots + 8 * capacity, used) if used else b""
        else:
            slots = values
            order = bytes(reversed(_mem(values - 2 - used, used))) if used else b""
        entries = list(self._entries(keys, slots, keep_empty=True))
        out = []
        for index in order:
            if index < len(entries) and entries[index][0] and entries[index][1]:
                out.append(entries[index])
        return out

    def dict_get(self, obj, name):
        """The value address of str key NAME in the dict at OBJ (or an
        instance of a subclass of dict, such as ctypes' class dicts), or 0."""
        return self._find(self.dict_items(obj, subclass=True), name)

    def _find(self, items, name):
        """The value address of the str key NAME among ITEMS, or 0."""
        for key, value in items:
            try:
                if self.str(key) == name:
                    return value
            except Unreadable:
                continue
        return 0

    def module_dict(self, obj):
        self._expect(obj, "module")
        return _u64(obj + self.MODULE_DICT)

    def _inline_values(self, obj, tp):
        """3.13+: the inline values of OBJ, an instance of TP with no dict
        made yet, or 0 (none, or moved into a dict: not 'valid')."""
        values = obj + _u64(tp + self.TP_BASICSIZE)
        if not _mem(values + self.VALUES_VALID, 1)[0]:
            return 0
        return values

    def attribute(self, obj, name):
        """The address of the instance attribute NAME of OBJ (an instance of
        a Python class), or 0."""
        tp = self.type_of(obj)
        flags = self.flags(tp)
        if not flags & self.F_MANAGED_DICT:
            # A dict at tp_dictoffset (a subclass of a builtin that has one,
            # such as BaseException), or none.
            dict_ptr = self._dict_at_offset(obj, tp)
            return self.dict_get(dict_ptr, name) if dict_ptr else 0
        cached = _u64(tp + self.HT_CACHED_KEYS)
        if self.version >= PY_3_13:
            dict_ptr = _u64(obj + self.MANAGED_DICT)
            if dict_ptr:
                return self.dict_get(dict_ptr, name)
            if not flags & self.F_INLINE_VALUES or not cached:
                return 0
            values = self._inline_values(obj, tp)
            return self._cached(cached, values + self.VALUES_SLOTS, name) if values else 0
        if self.version >= PY_3_12:
            tagged = _u64(obj + self.MANAGED_DICT)
            if tagged & 1:
                # _PyDictOrValues_SetValues stores the values' address - 1.
                return self._cached(cached, tagged + 1, name) if cached else 0
            return self.dict_get(tagged, name) if tagged else 0
        dict_ptr, values = _u64(obj + self.MANAGED_DICT), _u64(obj + self.MANAGED_VALUES)
        if dict_ptr:
            return self.dict_get(dict_ptr, name)
        return self._cached(cached, values, name) if values and cached else 0

    def instance_items(self, obj, tp):
        """(key address, value address) of the attributes in the __dict__ of
        OBJ, an instance of TP, in PyDict_Next order: a managed dict or its
        values (see attribute()), or the dict at tp_dictoffset (negative:
        from the end of a variable-size object, as for an IntEnum member)."""
        flags = self.flags(tp)
        cached = _u64(tp + self.HT_CACHED_KEYS) if flags & self.F_HEAPTYPE else 0
        if flags & self.F_MANAGED_DICT:
            if self.version >= PY_3_13:
                dict_ptr = _u64(obj + self.MANAGED_DICT)
                if dict_ptr:
                    return self.dict_items(dict_ptr, subclass=True)
                if not flags & self.F_INLINE_VALUES or not cached:
                    return []
                values = self._inline_values(obj, tp)
                return self._split_items(cached, values) if values else []
            if self.version >= PY_3_12:
                tagged = _u64(obj + self.MANAGED_DICT)
                if tagged & 1:
                    return self._split_items(cached, tagged + 1) if cached else []
                return self.dict_items(tagged, subclass=True) if tagged else []
            dict_ptr, values = _u64(obj + self.MANAGED_DICT), _u64(obj + self.MANAGED_VALUES)
            if dict_ptr:
                return self.dict_items(dict_ptr, subclass=True)
            return self._split_items(cached, values) if values and cached else []
        dict_ptr = self._dict_at_offset(obj, tp)
        return self.dict_items(dict_ptr, subclass=True) if dict_ptr else []

    def _dict_at_offset(self, obj, tp):
        """The instance dict of OBJ found through TP's tp_dictoffset
        (negative: from the end of a variable-size object), or 0."""
        offset = struct.unpack("<q", _mem(tp + self.TP_DICTOFFSET, 8))[0]
        if offset < 0:
            size = abs(self.size(obj))
            basic = struct.unpack("<q", _mem(tp + self.TP_BASICSIZE, 8))[0]
            item = struct.unpack("<q", _mem(tp + self.TP_ITEMSIZE, 8))[0]
            offset += (basic + size * item + 7) & ~7
        return _u64(obj + offset) if offset else 0

    def _cached(self, keys, values, name):
        """NAME's value in VALUES, a values array whose names are KEYS."""
        return self._find(self._entries(keys, values), name)


def thread_names(rt):
    """{LWP: name} of the threads the threading module knows, read from
    memory (threading._active maps each thread's identifier, which is its
    thread state's thread_id, to its Thread object)."""
    reader = Reader(rt.version, rt.fields)
    by_ident = {t.pthread: t.lwp for t in rt.threads}
    names = {}
    for interp in rt.interpreters:
        if not interp.modules:
            continue
        module = reader.dict_get(interp.modules, "threading")
        if not module:
            continue
        active = reader.dict_get(reader.module_dict(module), "_active")
        if not active:
            continue
        for key, thread in reader.dict_items(active):
            try:
                lwp = by_ident.get(reader.int(key) & 0xFFFFFFFFFFFFFFFF)
                name = reader.attribute(thread, "_name")
                if lwp is not None and name:
                    names[lwp] = reader.str(name)
            except Unreadable:
                continue
    return names
