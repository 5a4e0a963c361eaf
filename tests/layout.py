# Sourced into gdb (after py-hook) by tests/layout.bats: measures every fact
# of gdb/pyhook/facts.py for the interpreter gdb runs, in the way facts.SPEC
# says it is checked, and compares it with facts.TABLE.
#
#   layout-check    one line per fact: "fact NAME KIND table VALUE measured
#                   VALUE", then "layout: N facts, M differ, K not measured"
#   layout-measure  the same facts as a facts.TABLE block, for adding a
#                   version (measure a release build with debug symbols)
#
# Field, size and enumerator facts come from the debug information; python
# facts from running the interpreter itself (progspace filename) on the
# expression; memory facts from objects of samples/layoutcheck.py, so the
# program must be stopped at its getppid; the glibc facts from libc's debug
# information.
import ast
import subprocess

import gdb

from pyhook import facts, layout, pyframes, runtime, target
from pyhook.objects import Unreadable, _mem, _u64

# Classes and the bit picker the python facts' expressions use.
_PRELUDE = r"""
import dis, inspect, re, sys
class Plain: pass
class Slotted:
    __slots__ = ("x",)
class DictSlot:
    __slots__ = ("__dict__",)
class WeakSlot:
    __slots__ = ("__weakref__",)
class MyInt(int): pass
class MyDict(dict): pass
class MyList(list): pass
class Meta(type): pass
Proxy = type(type.__dict__)
# A looked-up type has a valid version tag (a flag of its own on 3.11, 3.12).
for t in (Plain, Slotted, DictSlot, WeakSlot, MyInt, MyDict, Meta):
    getattr(t, "zz", None)
def _flag_bits(positives, negatives):
    mask = ~0
    for t in positives:
        mask &= t.__flags__
    for t in negatives:
        mask &= ~t.__flags__
    return [1 << b for b in range(64) if mask >> b & 1]
"""


def _python_values(version, names):
    """{name: value} of the python facts NAMES, told by the interpreter."""
    exe = gdb.selected_inferior().progspace.filename
    spec = facts.spec(version)
    lines = [_PRELUDE]
    for name in names:
        expr = spec[name][1]
        lines.append("try:\n    v = %s\nexcept Exception as e:\n    v = 'error %%s' %% e" % expr)
        lines.append("print(%r, v if not isinstance(v, int) or not %r.startswith('tpflags.')"
                     " else 1 << v)" % (name, name))
    out = subprocess.run([exe, "-I", "-c", "\n".join(lines)], capture_output=True, text=True,
                         timeout=60)
    values = {}
    for line in out.stdout.splitlines():
        name, _, value = line.partition(" ")
        try:
            values[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            values[name] = value
    if out.returncode:
        for name in names:
            values.setdefault(name, "interpreter failed: %s" % out.stderr.strip()[-200:])
    return values


def _frame_of(walker, tstate, qualname):
    for address, head, code in walker.chain(tstate):
        if code.qualname == qualname:
            return address, head, code
    raise gdb.GdbError("no frame of %s: stop samples/layoutcheck.py at getppid" % qualname)


def _memory_values(version, names, table):
    """{name: value} of the memory facts NAMES, read from the objects of
    samples/layoutcheck.py at its getppid stop."""
    rt = runtime.read(version)
    lwp = gdb.selected_thread().ptid[1]
    tstate = rt.thread_for_lwp(lwp)
    walker = pyframes.Walker(rt)
    L = walker.L
    out = {}
    inner = _frame_of(walker, tstate, "outer.<locals>.inner")
    outer = _frame_of(walker, tstate, "outer")
    main = _frame_of(walker, tstate, "main")
    module = _frame_of(walker, tstate, "<module>")
    slot_raw = {}
    for address, _, code in (inner, outer, main, module):
        raw = _mem(address + L.off("iframe.localsplus"), 8 * code.count)
        for i, name in enumerate(code.names):
            slot_raw[(code.qualname, name)] = (int.from_bytes(raw[8 * i:8 * i + 8], "little"),
                                              code.kinds[i])
    none = target.symbol_address("_Py_NoneStruct")

    def local(qualname, var):
        """The object MAIN's (or another frame's) variable VAR holds."""
        return walker.refs.obj(slot_raw[(qualname, var)][0])

    for name in names:
        if name == "fast.local":
            out[name] = slot_raw[("outer.<locals>.inner", "plain")][1]
        elif name == "fast.cell":
            out[name] = slot_raw[("outer", "captured")][1]
        elif name == "fast.free":
            out[name] = slot_raw[("outer.<locals>.inner", "captured")][1]
        elif name == "fast.hidden":
            # The comprehension variable's kind, less the plain-local bit.
            out[name] = slot_raw[("<module>", "mod_hidden")][1] & ~table["fast.local"]
        elif name == "stackref.null":
            out[name] = slot_raw[("outer.<locals>.inner", "later")][0]
        elif name == "stackref.tag_bits":
            bits = slot_raw[("outer.<locals>.inner", "plain")][0]
            tag = table[name]
            # None's reference is None's address with the deferred bit set,
            # and no set bit of it is outside the tag bits.
            out[name] = tag if bits & ~tag == none and bits & tag else "bits 0x%x" % bits
        elif name == "memberdef.object_ex":
            module = rt.interpreters[0]
            reader = walker.reader
            main = reader.dict_get(module.modules, "__main__")
            cls = reader.dict_get(reader.module_dict(main), "Slotted")
            members = _u64(cls + L.off("type.members"))
            out[name] = int.from_bytes(_mem(members + L.off("memberdef.type"), 4), "little")
        elif name == "object.managed_dict":
            at = table[name]
            obj, dict_ = local("main", "with_dict"), local("main", "materialized")
            out[name] = at if _u64(obj + at) == dict_ else "0x%x there" % _u64(obj + at)
        elif name == "object.managed_values":
            at = table[name]
            obj = local("main", "fresh")
            out[name] = at if _u64(obj + at) and not _u64(obj + table["object.managed_dict"]) \
                else "no values there"
        elif name == "mutex.locked_bit":
            lock = local("main", "held")
            out[name] = _mem(lock + L.off("lock.mutex"), 1)[0] & table[name] or "not set"
        elif name == "gen.yield_from_depth":
            # The slot below the top of the stack of main's suspended
            # coroutine that holds its cr_await.
            coro, awaited = local("main", "suspended"), local("main", "awaited")
            frame = coro + L.off("gen.iframe")
            base = frame + L.off("iframe.localsplus")
            if version >= facts.PY_3_14:
                top = (_u64(frame + L.off("iframe.stackpointer")) - base) // 8
            else:
                top = int.from_bytes(_mem(frame + L.off("iframe.stacktop"), 4), "little",
                                     signed=True)
            found = []
            for d in range(1, 5):
                try:
                    if 0 <= top - d < 1 << 16 and \
                            walker.refs.obj(_u64(base + 8 * (top - d))) == awaited:
                        found.append(d)
                except Unreadable:  # a tagged int
                    pass
            out[name] = found[0] if found else "not within 4 slots of the top"
        elif name == "rlock.count_held_once":
            # main holds `rheld` once (its owner is main's thread): what
            # its count reads then is the fact.
            lock = local("main", "rheld")
            owner, count = _u64(lock + L.off("rlock.owner")), _u64(lock + L.off("rlock.count"))
            out[name] = count if owner == tstate.pthread else "owner 0x%x" % owner
        elif name == "tstate.state.attached":
            out[name] = tstate.get("state")
        elif name == "eval_breaker.request_mask":
            mask = table[name]
            breaker = tstate.get("eval_breaker")
            version_now = tstate.interp.get("instrumentation_version")
            out[name] = mask if version_now and breaker & ~mask == version_now & ~mask \
                else "breaker 0x%x, instrumentation version 0x%x" % (breaker, version_now)
        else:
            out[name] = "no memory check"
    return out


def measure():
    version = runtime.python_version()
    v = layout.minor(version)
    spec = facts.spec(v)
    table = dict(facts.TABLE.get(v, {}))
    if runtime._debug_build():
        if v not in facts.DEBUG_BUILD:
            raise gdb.GdbError("facts.DEBUG_BUILD has no entry for this debug build's version")
        table.update(facts.DEBUG_BUILD[v])
    measured = {}
    for name, s in spec.items():
        if s[0] in layout.DEBUG_KINDS:
            try:
                measured[name] = layout.resolve_spec(s)
            except layout.Unknown as e:
                measured[name] = "missing (%s)" % e
    measured.update(_python_values(v, [n for n, s in spec.items() if s[0] == "python"]))
    memory = [n for n, s in spec.items() if s[0] == "memory"]
    measured.update(_memory_values(v, memory, {n: layout._value(table[n]) for n in table}
                                   if table else {}))
    for n, s in spec.items():
        if s[0] == "behaviour":
            measured[n] = "behaviour"
    return v, spec, table, measured


def _shown(value):
    if isinstance(value, layout.Offset):
        return repr(value.as_tuple()).replace(" ", "")
    return str(value).replace(" ", "_")


class LayoutCheck(gdb.Command):
    """layout-check: compare facts.TABLE with what this interpreter shows."""

    def __init__(self):
        super().__init__("layout-check", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        v, spec, table, measured = measure()
        table = {n: t for n, t in table.items()}
        differ = unmeasured = 0
        for name in sorted(spec):
            kind = spec[name][0]
            want = layout._value(table[name]) if name in table else "absent"
            got = measured.get(name, "not measured")
            if kind == "behaviour":
                got = want
            if isinstance(got, list):
                # A type flag: the table's bit must be one of the candidates.
                got = want if want in got else "none of %s" % got
            if isinstance(got, str) and (got.startswith("missing") or got.startswith("interp")):
                unmeasured += 1
            elif got != want:
                differ += 1
            gdb.write("fact %s %s table %s measured %s\n" % (name, kind, _shown(want), _shown(got)))
        extra = sorted(set(table) - set(spec))
        for name in extra:
            gdb.write("fact %s none table %s measured unspecified\n" % (name, _shown(table[name])))
        gdb.write("layout: %d facts, %d differ, %d not measured, %d in the table only\n"
                  % (len(spec), differ, unmeasured, len(extra)))
        # What the process publishes (3.13+) against the same facts.
        published = facts.PUBLISHED.get(v, {})
        if published:
            members = {n: layout._value(table[n]) for n in table if n.startswith("debugoffsets.")}
            offsets = layout.DebugOffsets(runtime.read_pointer, target.symbol_address("_PyRuntime"),
                                          members, runtime.python_version())
            pdiffer = 0
            for name, member in sorted(published.items()):
                got = offsets.get(member)
                value = measured.get(name)
                want = value.offset if isinstance(value, layout.Offset) else value
                pdiffer += got != want
                gdb.write("published %s %s %s measured %s\n" % (name, member, got, want))
            gdb.write("published: %d facts, %d differ\n" % (len(published), pdiffer))
        version = layout._glibc_version()
        key = "2.41" if version and version >= (2, 41) else "2.25"
        gdiffer = 0
        for name, spec_ in sorted(facts.GLIBC_SPEC.items()):
            want = facts.GLIBC_TABLE[key][name]
            want = layout._value(want) if want is not None else "absent"
            try:
                got = layout.resolve_spec(spec_)
            except layout.Unknown:
                got = "absent"
            gdiffer += got != want
            gdb.write("glibc %s table %s measured %s\n" % (name, _shown(want), _shown(got)))
        gdb.write("glibc: %s, table %s, %d differ\n"
                  % (".".join(map(str, version or ("?",))), key, gdiffer))


class LayoutMeasure(gdb.Command):
    """layout-measure: print this interpreter's facts as a facts.TABLE block."""

    def __init__(self):
        super().__init__("layout-measure", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        v, spec, table, measured = measure()
        gdb.write("TABLE[PY_3_%d] = {\n" % ((v >> 16) & 0xFF))
        for name in sorted(spec):
            value = measured.get(name)
            if isinstance(value, layout.Offset):
                value = value.as_tuple()
            if spec[name][0] == "behaviour":
                value = table.get(name)
            gdb.write("    %r: %r,\n" % (name, value))
        gdb.write("}\n")


LayoutCheck()
LayoutMeasure()
