"""The facts of facts.py, resolved for one process.

runtime.py, objects.py and every other reader take byte offsets, sizes,
flags, states and opcodes from the Layout this module makes, and the
helper receives the ones it needs from it (transport: abi.py), so every
reader of the process reads it alike.  Each value comes from, in this
order of preference:

1. CPython's debug information when gdb has it (python3.X-dbg, or a build
   with -g): exact for the build at hand, for every fact the debug
   information can describe (fields, sizes, enumerators);
2. on 3.13 and later, the offsets CPython publishes in the process itself
   (_PyRuntime.debug_offsets), for the facts facts.PUBLISHED names: a patch
   release that moves one of those fields still reads right, and where the
   published offset and the table disagree, the published one is used and
   the Layout records it (py-hook-layout shows it);
3. facts.TABLE for the minor version, measured on release builds and
   checked by tests/layout.bats against every interpreter of the suite.

A version facts.py has no table for is refused by name.
"""

import re

import gdb

from . import facts
from .facts import PY_3_11, PY_3_12, PY_3_13, PY_3_14, PY_3_15, PY_END  # noqa: F401


class Unknown(Exception):
    """A fact, or the whole layout, is not known for this process."""


class Offset:
    """Where a field is: OFFSET and SIZE in bytes; for a bitfield, BIT (its
    first bit within the byte at OFFSET) and BITS (its width)."""

    __slots__ = ("offset", "size", "bit", "bits")

    def __init__(self, offset, size, bit=None, bits=None):
        self.offset, self.size, self.bit, self.bits = offset, size, bit, bits

    def as_tuple(self):
        if self.bit is None:
            return (self.offset, self.size)
        return (self.offset, self.size, self.bit, self.bits)

    def __eq__(self, other):
        return isinstance(other, Offset) and self.as_tuple() == other.as_tuple()

    def __hash__(self):
        return hash(self.as_tuple())

    def __repr__(self):
        return repr(self.as_tuple())


def minor(version):
    return version & 0xFFFF0000


def version_name(version):
    return "%d.%d" % (version >> 24, (version >> 16) & 0xFF)


def _value(raw):
    """A TABLE entry as a Layout value: tuples become Offsets."""
    return Offset(*raw) if isinstance(raw, tuple) else raw


class Layout(dict):
    """name -> Offset (a field) or int (a size, flag, state, opcode).

    SOURCE says in words where the values came from, PUBLISHED_OVERRIDES
    lists (name, table offset, published offset) for the facts the
    process's own debug offsets moved, and FALLBACKS the names the debug
    information lacked, taken from the table."""

    def __init__(self, version, values, source):
        super().__init__(values)
        self.version = version
        self.source = source
        self.published_overrides = []
        self.fallbacks = []
        self.origins = {}

    def off(self, name):
        """The byte offset of field NAME."""
        return self[name].offset

    def __missing__(self, name):
        raise Unknown("py-hook's layout of CPython %s has no fact %s"
                      % (version_name(self.version), name))


# -- Debug information --------------------------------------------------------

_types = {}


def _lookup_type(type_name):
    t = _types.get(type_name)
    if t is None:
        try:
            t = gdb.lookup_type(type_name)
        except gdb.error as e:
            raise Unknown(str(e))
        _types[type_name] = t
    return t


def _member(t, name):
    """(bit position, gdb.Field) of member NAME of struct or union T,
    looking into anonymous members (3.12's ob_refcnt is in one), or None."""
    for f in t.strip_typedefs().fields():
        if f.name == name:
            return f.bitpos, f
        if f.name is None and f.type.strip_typedefs().code in (gdb.TYPE_CODE_STRUCT,
                                                               gdb.TYPE_CODE_UNION):
            found = _member(f.type, name)
            if found:
                return f.bitpos + found[0], found[1]
    return None


def _field(type_name, path):
    t = _lookup_type(type_name)
    bits = 0
    for name in path.split("."):
        t = t.strip_typedefs()
        if t.code == gdb.TYPE_CODE_ARRAY:
            t = t.target().strip_typedefs()
        found = _member(t, name)
        if found is None:
            raise Unknown("%s has no member %s" % (type_name, path))
        bitpos, f = found
        bits += bitpos
        if f.bitsize:
            return Offset(bits // 8, (f.bitsize + 7) // 8, bits % 8, f.bitsize)
        t = f.type
    return Offset(bits // 8, t.strip_typedefs().sizeof)


def _enumerator(name):
    try:
        value = gdb.parse_and_eval(name)
    except gdb.error as e:
        raise Unknown(str(e))
    if value.type.strip_typedefs().code != gdb.TYPE_CODE_ENUM:
        raise Unknown("%s is not an enumerator" % name)
    return int(value)


def resolve_spec(spec):
    """The value SPEC (a facts.SPEC entry of kind field, sizeof or enum)
    has in the debug information; raises Unknown."""
    kind = spec[0]
    if kind == "field":
        return _field(spec[1], spec[2])
    if kind == "sizeof":
        return _lookup_type(spec[1]).strip_typedefs().sizeof
    if kind == "enum":
        return _enumerator(spec[1])
    raise Unknown("a %s fact is not in the debug information" % kind)


DEBUG_KINDS = ("field", "sizeof", "enum")


def from_debug_info(version, group=None):
    """{name: value} of every fact of VERSION (in GROUP, see facts.group)
    the debug information describes, and [names it lacks]."""
    _types.clear()
    values, missing = {}, []
    for name, spec in facts.spec(version).items():
        if spec[0] not in DEBUG_KINDS or facts.group(name) != group:
            continue
        try:
            values[name] = resolve_spec(spec)
        except Unknown:
            missing.append(name)
    return values, missing


def from_table(version, group=None):
    """{name: value} of VERSION's table (GROUP's facts only); raises
    Unknown naming the version when py-hook has none."""
    table = facts.TABLE.get(minor(version))
    if table is None:
        raise Unknown("py-hook knows no layout of CPython %s (it knows %s)"
                      % (version_name(version), ", ".join(version_name(v) for v in facts.VERSIONS)))
    table = dict(table)
    for first, changes in facts.PATCHED.get(minor(version), ()):
        if version >= first:
            table.update(changes)
    return {name: _value(raw) for name, raw in table.items()
            if raw is not None and facts.group(name) == group}


def asyncio_layout(version):
    """The Layout of the _asyncio module's objects (the "asyncio" group):
    from its debug information when gdb has it (it has it once the module
    is loaded), else the table; raises Unknown for a version without one."""
    table = from_table(version, "asyncio")
    values, missing = from_debug_info(version, "asyncio")
    result = Layout(version, table, "py-hook's built-in layout")
    if values:
        result.update(values)
        result.source = "CPython's debug information"
        result.fallbacks = missing
    return result


# -- What the process publishes (3.13+) ---------------------------------------

class DebugOffsets:
    """The _Py_DebugOffsets at the start of _PyRuntime, read with the
    layout of its members from the table (or the debug information)."""

    def __init__(self, read_u64, address, members, version):
        self.read_u64 = read_u64
        self.address = address
        self.members = members  # "debugoffsets.MEMBER" -> Offset
        cookie = read_u64(address).to_bytes(8, "little")
        if cookie != facts.DEBUG_OFFSETS_COOKIE:
            raise Unknown("_PyRuntime does not start with CPython's debug offsets (cookie %r)"
                          % cookie)
        published_version = self.get("version")
        if minor(published_version) != minor(version):
            raise Unknown("_PyRuntime's debug offsets are those of CPython %s, not %s"
                          % (version_name(published_version), version_name(version)))
        if self.get("free_threaded"):
            raise Unknown("this is a free-threaded build (%st), which py-hook does not support"
                          % version_name(version))

    def get(self, member):
        return self.read_u64(self.address + self.members["debugoffsets." + member].offset)


def apply_published(layout, debug_offsets):
    """Takes the offsets DEBUG_OFFSETS publishes over LAYOUT's, recording
    each one that moved a fact."""
    for name, member in facts.PUBLISHED.get(minor(layout.version), {}).items():
        if name not in layout:
            continue
        published = debug_offsets.get(member)
        current = layout[name]
        if isinstance(current, Offset):
            if published != current.offset:
                layout.published_overrides.append((name, current.offset, published))
                layout[name] = Offset(published, current.size, current.bit, current.bits)
                layout.origins[name] = "published"
        elif published != current:  # a size (PyASCIIObject's)
            layout.published_overrides.append((name, current, published))
            layout[name] = published
            layout.origins[name] = "published"


# -- glibc --------------------------------------------------------------------

def glibc_layout():
    """pthread mutex and condition variable facts of the process's glibc:
    from its debug information when gdb has it, else by its version (the
    release banner in libc.so.6).  GLIBC facts as an {name: value} dict."""
    try:
        values = {name: resolve_spec(spec) for name, spec in facts.GLIBC_SPEC.items()
                  if name != "cond.g_refs"}
        try:
            values["cond.g_refs"] = resolve_spec(facts.GLIBC_SPEC["cond.g_refs"])
        except Unknown:
            values["cond.g_refs"] = None  # glibc 2.41 and later
        return values
    except Unknown:
        pass
    version = _glibc_version()
    key = "2.41" if version is not None and version >= (2, 41) else "2.25"
    return {name: _value(raw) for name, raw in facts.GLIBC_TABLE[key].items()}


_GLIBC_BANNER = re.compile(rb"GNU C Library [^\n]*release version (\d+)\.(\d+)")


def _glibc_version():
    for objfile in gdb.objfiles():
        name = objfile.filename or ""
        if "/libc.so" not in name and not name.endswith("libc.so.6"):
            continue
        try:
            with open(name, "rb") as f:
                found = _GLIBC_BANNER.search(f.read())
        except OSError:
            return None
        return (int(found.group(1)), int(found.group(2))) if found else None
    return None
