"""py-hook-explain's view: a frame's current statement and the values of
the names, attribute chains and constant subscripts it uses, all read from
memory (no code of the program runs, so it works at any stop, in a core
file, and at a py-hook-catch stop with an exception in flight).

The statement comes from the source file, parsed with gdb's Python: the
innermost statement holding the current line, or only the header of a
compound one (the test of an if or while, the iterable of a for).  Each
name is looked up as CPython would, in the frame's variables, then its
module's globals (builtins are not shown).  An attribute is read from a
module's dict, an instance's own attributes, or the class dicts along its
type's MRO, in the order Python's own lookup follows; where that lookup
would run code (a property or another descriptor, a class's
__getattribute__ or __getattr__) the value is not shown, and the line says
why.
"""

import ast
import errno
import io
import os
import stat
import tokenize

import gdb

from . import exceptions, objects, pyframes, target, view
from .model import Variable
from .objects import Unreadable, _u64

_MAX_LINES = 12  # of a statement shown
_MAX_ROWS = 60   # of values shown
_parsed = {}     # path -> (mtime, size, tree or None, lines)

# Class attributes whose value is computed by a call, not stored: data
# descriptors (they come before the instance's own attributes) and others.
_DATA_DESCRIPTORS = ("property", "member_descriptor", "getset_descriptor")
_DESCRIPTORS = ("cached_property", "classmethod", "staticmethod", "method_descriptor",
                "wrapper_descriptor", "classmethod_descriptor")


class Explained:
    """What py-hook-explain prints: the frame, its statement's lines
    ((number, text) pairs, or a note), the exception in flight (or None)
    and the rows (expression text, Variable or a note string)."""

    def __init__(self, frame, lines, note, caught, rows):
        self.frame, self.lines, self.note = frame, lines, note
        self.caught, self.rows = caught, rows


# A source file larger than this is not read (a device, a huge generated file).
_MAX_SOURCE = 1 << 24


def _source(filename):
    """(tree or None, lines) of the source file, cached while unchanged:
    decoded as Python decodes it (its coding declaration, else UTF-8) and
    split into lines where Python's tokenizer splits them (at \\n, \\r\\n
    and \\r only: not at a form feed or U+2028, as str.splitlines does).
    Only a regular file is read."""
    path = view.source_path(filename)
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    if st.st_size > _MAX_SOURCE:
        raise OSError(errno.EFBIG, "larger than %d bytes" % _MAX_SOURCE)
    cached = _parsed.get(path)
    if cached and cached[:2] == (st.st_mtime, st.st_size):
        return cached[2], cached[3]
    with open(path, "rb") as f:
        raw = f.read(_MAX_SOURCE + 1)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        text = raw.decode(encoding, "replace")
    except (SyntaxError, LookupError):
        text = raw.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None  # newer syntax than gdb's Python reads: the line alone
    _parsed[path] = (st.st_mtime, st.st_size, tree, lines)
    return tree, lines


def _header(stmt):
    """The expressions of STMT's own line(s): all of a simple statement,
    the header of a compound one."""
    if isinstance(stmt, (ast.If, ast.While)):
        return [stmt.test]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.target, stmt.iter]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in stmt.items]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return list(stmt.decorator_list)
    if isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        return []
    if isinstance(stmt, ast.ExceptHandler):
        return [stmt.type] if stmt.type else []
    return [stmt]


def _statement(tree, line):
    """The innermost statement (or except clause) of TREE that holds LINE."""
    best = None
    todo = [tree]
    while todo:
        node = todo.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.stmt, ast.ExceptHandler)) and \
                    child.lineno <= line <= (child.end_lineno or child.lineno):
                best = child
                todo.append(child)
    return best


def _chains(nodes):
    """Expressions to show, in source order: each name read, each attribute
    chain on a name, and each constant subscript of those (x, x.y, x.y['k'])."""
    bound_inside = set()
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.comprehension):
                bound_inside.update(n.id for n in ast.walk(sub.target) if isinstance(n, ast.Name))
            elif isinstance(sub, ast.Lambda):
                bound_inside.update(a.arg for a in sub.args.args + sub.args.kwonlyargs)
    found = []
    for node in nodes:
        for sub in ast.walk(node):
            path = _path(sub)
            if path and path[0][1] not in bound_inside:
                found.append(((sub.lineno, sub.col_offset, len(path)), path))
    found.sort(key=lambda item: item[0])
    out, seen = [], set()
    for _, path in found:
        for n in range(1, len(path) + 1):
            key = tuple(path[:n])
            if key not in seen:
                seen.add(key)
                out.append(key)
    return out


def _path(node):
    """NODE as [("name", x), ("attr", y), ("item", k), ...], or None."""
    if isinstance(node, ast.Name):
        # A name the statement binds is not a value it uses.
        return [("name", node.id)] if isinstance(node.ctx, ast.Load) else None
    if isinstance(node, ast.Attribute):
        base = _path(node.value)
        return base + [("attr", node.attr)] if base else None
    if isinstance(node, ast.Subscript):
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, (str, int)) and \
                not isinstance(key.value, bool):
            base = _path(node.value)
            return base + [("item", key.value)] if base else None
    return None


def _text(path):
    out = ""
    for kind, part in path:
        out += part if kind == "name" else "." + part if kind == "attr" else "[%r]" % (part,)
    return out


class _Resolver:
    def __init__(self, reader, names, globals_):
        self.r, self.names, self.globals = reader, names, globals_

    def name(self, name):
        if name in self.names:
            return self.names[name]
        if self.globals:
            return self.r.dict_get(self.globals, name)
        return 0

    def attr(self, obj, name):
        """The value of OBJ.NAME as Python's attribute lookup finds it, or 0
        when it finds nothing; raises Unreadable where the lookup would run
        code (a property or other descriptor, __getattribute__,
        __getattr__)."""
        r = self.r
        tp = r.type_of(obj)
        if tp == r.types["module"]:
            return r.dict_get(r.module_dict(obj), name)
        # OBJ is a class when its type is type or a metaclass.
        is_type = tp == r.types["type"] or r.flags(tp) & r.L["tpflags.type_subclass"]
        if is_type:
            return self._on_class(obj, tp, name)
        mro = self._mro(tp)
        if self._defines(mro, "__getattribute__"):
            raise Unreadable("its class defines __getattribute__, which needs a call")
        found, _ = self._class_attr(tp, name)
        if found and self._descriptor(found, data=True):
            raise Unreadable("its value comes from a %s, which needs a call" % self._kind(found))
        try:
            own = r.attribute(obj, name)
        except Unreadable:
            own = 0
        if own:
            return own
        if found and self._descriptor(found, data=False):
            raise Unreadable("its value comes from a %s, which needs a call" % self._kind(found))
        if not found and self._defines(mro, "__getattr__"):
            raise Unreadable("not found without its class's __getattr__, which needs a call")
        return found

    def _on_class(self, cls, meta, name):
        """CLS.NAME, CLS a class whose type is META: as type.__getattribute__
        finds it, or Unreadable where that would run code."""
        meta_mro = self._mro(meta)
        if self._defines(meta_mro, "__getattribute__"):
            raise Unreadable("its metaclass defines __getattribute__, which needs a call")
        on_meta, _ = self._class_attr(meta, name)
        if on_meta and self._descriptor(on_meta, data=True):
            raise Unreadable("its value comes from a %s on the metaclass, which needs a call"
                             % self._kind(on_meta))
        found, _ = self._class_attr(cls, name)
        if found:
            kind = self._kind(found)
            if kind in ("classmethod", "staticmethod") or (
                    kind not in ("function", "property") and
                    self._defines(self._mro(self.r.type_of(found)), "__get__")):
                raise Unreadable("its value comes from a %s, which needs a call" % kind)
            return found
        if on_meta and self._descriptor(on_meta, data=False):
            raise Unreadable("its value comes from a %s on the metaclass, which needs a call"
                             % self._kind(on_meta))
        if not on_meta and self._defines(meta_mro, "__getattr__"):
            raise Unreadable("not found without its metaclass's __getattr__, which needs a call")
        return on_meta

    def _kind(self, value):
        return self.r.type_name(self.r.type_of(value))

    def _class_attr(self, cls, name):
        """(value, class) of NAME in the dicts along CLS's MRO, or (0, 0)."""
        for c in self._mro(cls):
            tp_dict = _u64(c + self.r.fields["type.dict"].offset)
            found = self.r.dict_get(tp_dict, name) if tp_dict else 0
            if found:
                return found, c
        return 0, 0

    def _defines(self, mro, name):
        """Whether a Python class of MRO (a heap type: the builtin types'
        own __getattribute__ is the generic lookup) defines NAME."""
        for c in mro:
            if not self.r.flags(c) & self.r.F_HEAPTYPE:
                continue
            tp_dict = _u64(c + self.r.fields["type.dict"].offset)
            if tp_dict and self.r.dict_get(tp_dict, name):
                return True
        return False

    def _descriptor(self, value, data):
        """Whether VALUE, found on a class, is a data descriptor (DATA) or
        another descriptor whose __get__ makes the value (a function is
        shown as it is)."""
        kind = self._kind(value)
        if kind == "function":
            return False  # a method: the function itself says enough
        if kind in _DATA_DESCRIPTORS:
            return data
        if kind in _DESCRIPTORS:
            return not data
        mro = self._mro(self.r.type_of(value))
        if self._defines(mro, "__set__") or self._defines(mro, "__delete__"):
            return data
        return not data and self._defines(mro, "__get__")

    def _mro(self, tp):
        try:
            return self.r.mro(tp)
        except Unreadable:
            return [tp]  # a corrupt MRO: the class alone

    def item(self, obj, key):
        r = self.r
        tp = r.type_of(obj)
        if isinstance(key, str) and tp == r.types["dict"]:
            return r.dict_get(obj, key)
        if isinstance(key, int) and tp in (r.types["list"], r.types["tuple"]):
            size = r.size(obj)
            index = key + size if key < 0 else key
            if not 0 <= index < size:
                raise Unreadable("index %d is out of range (len %d)" % (key, size))
            return r.sequence_items(obj, index, 1)[0]
        raise Unreadable("a %s is not subscripted without running code" % r.type_name(tp))


def explain(rt, tstate, index, limit):
    """The Explained view of frame INDEX of TSTATE, read from memory."""
    walker = pyframes.Walker(rt)
    reader = walker.reader
    with objects.cached():
        frame, names, globals_ = walker.scope(tstate, index)
        caught = exceptions.in_flight(reader, rt.fields, tstate, rt.version) if index == 0 \
            else None
        lines, note, nodes = [], None, []
        try:
            tree, source = _source(frame.filename)
        except OSError as e:
            tree, source = None, []
            note = "source not available: %s: %s" % (frame.filename, e.strerror)
        if source and changed_since_start(frame.filename):
            note = ("source changed: %s was modified after the program started, so its lines "
                    "may not be what runs" % frame.filename)
        if source and not 1 <= frame.line <= len(source):
            note = "source not available: %s has no line %d" % (frame.filename, frame.line)
        elif source:
            stmt = _statement(tree, frame.line) if tree is not None else None
            if stmt is not None:
                nodes = _header(stmt)
                last = max([getattr(n, "end_lineno", None) or n.lineno for n in nodes] or
                           [stmt.lineno])
                first = min(stmt.lineno, frame.line)
                last = max(min(last, first + _MAX_LINES - 1), frame.line)
            else:
                first = last = frame.line
                try:
                    nodes = [ast.parse(source[frame.line - 1].strip())]
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    nodes = []
            lines = [(n, source[n - 1]) for n in range(first, last + 1)]
        resolver = _Resolver(reader, names, globals_)
        rows = []
        values = {}
        for path in _chains(nodes)[:_MAX_ROWS]:
            text = _text(path)
            parent = values.get(tuple(path[:-1])) if len(path) > 1 else None
            if len(path) > 1 and not parent:
                continue  # its base is not shown: not bound, or not readable
            try:
                kind, part = path[-1]
                value = resolver.name(part) if kind == "name" else \
                    resolver.attr(parent, part) if kind == "attr" else resolver.item(parent, part)
            except (Unreadable, KeyError) as e:
                rows.append((text, "not read: %s" % e))
                continue
            if not value:
                if kind == "name":
                    if part in names or not globals_ or is_local(walker, tstate, index, part):
                        rows.append((text, Variable(text, "local", "unbound", "", "", "0")))
                    continue  # a builtin, or not defined: not shown
                rows.append((text, "not found without running code"))
                continue
            values[tuple(path)] = value
            type_name, length, shown, cut = walker.renderer.fields(value, limit)
            rows.append((text, Variable(text, "local", type_name,
                                        "" if length is None else str(length), shown,
                                        "1" if cut else "0")))
    return Explained(frame, lines, note, caught, rows)


def _process_start(pid):
    """When process PID started (seconds since the epoch), from /proc, or
    None (a core file, another machine)."""
    try:
        with open("/proc/stat") as f:
            boot = next(int(line.split()[1]) for line in f if line.startswith("btime "))
        with open("/proc/%d/stat" % pid) as f:
            ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def changed_since_start(filename):
    """Whether FILENAME was modified after the process started: its text is
    then not what the running code was compiled from."""
    inferior = gdb.selected_inferior()
    if not inferior.pid or target.is_core():
        return False
    start = _process_start(inferior.pid)
    try:
        return start is not None and os.stat(view.source_path(filename)).st_mtime > start + 1
    except OSError:
        return False


def segment(filename, positions):
    """The source text POSITIONS (from Code.positions) span in FILENAME, or
    None where the file or the columns are not there, or the file changed
    after the process started."""
    if positions is None or positions[2] is None or positions[3] is None:
        return None
    line, end_line, col, end_col = positions
    try:
        _, lines = _source(filename)
    except OSError:
        return None
    if changed_since_start(filename):
        return None
    if not 1 <= line <= end_line <= len(lines):
        return None
    # Columns count UTF-8 bytes.
    chunk = [lines[n - 1].encode("utf-8") for n in range(line, end_line + 1)]
    if len(chunk) == 1:
        return chunk[0][col:end_col].decode("utf-8", "replace")
    chunk[0], chunk[-1] = chunk[0][col:], chunk[-1][:end_col]
    return b"\n".join(chunk).decode("utf-8", "replace")


def resolve(reader, names, globals_, node):
    """The address of the value of NODE (a name, attribute chain or constant
    subscript: ast) in a frame whose variables are NAMES and globals
    GLOBALS_, read as py-hook-explain reads it; 0 when it is none of these
    or is not found; raises Unreadable where reading it would run code."""
    path = _path(node)
    if not path:
        return 0
    resolver = _Resolver(reader, names, globals_)
    value = 0
    for kind, part in path:
        value = resolver.name(part) if kind == "name" else \
            resolver.attr(value, part) if kind == "attr" else resolver.item(value, part)
        if not value:
            return 0
    return value


def data_descriptor(reader, value):
    """Whether VALUE, found in a class, is a data descriptor (a property,
    a slot...), which Python's attribute lookup lets answer first."""
    return bool(_Resolver(reader, {}, 0)._descriptor(value, data=True))


def is_local(walker, tstate, index, name):
    """Whether NAME is a variable of frame INDEX's code (bound or not)."""
    for i, (_, _, code) in enumerate(walker.chain(tstate)):
        if i == index:
            return code.optimized and name in code.names
    return False
