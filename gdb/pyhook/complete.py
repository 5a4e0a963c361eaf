"""Tab completion for py-hook's commands, from memory only.

Completing must never run the program's code nor stop for long, so names
and attributes are read as py-hook-explain reads them: the selected
frame's variables and its module's globals; after a dot, a module's
names, an instance's own attributes and the names in the class dicts
along its type's MRO.  Anything that cannot be read completes to nothing;
so do the methods of builtin types on 3.12 and later, whose dicts live in
the interpreter's state rather than in the type objects.
gdb breaks words at '.', so WORD is what follows the last dot and the
chain before it comes from TEXT.
"""

import re

import gdb

from . import explain, objects, pyframes, runtime, selection
from .target import require_stopped_process

# The dotted chain right before the word being completed: 'self.conf.' in
# 'py-hook-eval len(self.conf.na'.
_CHAIN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)\s*\.\s*(\w*)$")
_MAX = 2000  # names offered at once


def _scope(index):
    _, thread = require_stopped_process()
    rt = runtime.read()
    ts = rt.thread_for_lwp(thread.ptid[1])
    if ts is None:
        return None
    walker = pyframes.Walker(rt)
    frame, names, globals_ = walker.scope(ts, index)
    return walker, names, globals_


def _str_keys(reader, items):
    out = []
    for key, _ in items:
        try:
            if reader.type_of(key) == reader.types["str"]:
                out.append(reader.str(key))
        except objects.Unreadable:
            continue
        if len(out) >= _MAX:
            break
    return out


def _attributes(walker, names, globals_, chain):
    reader = walker.reader
    resolver = explain._Resolver(reader, names, globals_)
    parts = [p.strip() for p in chain.split(".")]
    obj = resolver.name(parts[0])
    for part in parts[1:]:
        if not obj:
            return []
        obj = resolver.attr(obj, part)
    if not obj:
        return []
    tp = reader.type_of(obj)
    found = []
    if tp == reader.types["module"]:
        return _str_keys(reader, reader.dict_items(reader.module_dict(obj)))
    is_type = tp == reader.types["type"] or \
        reader.flags(tp) & reader.L["tpflags.type_subclass"]
    if not is_type:
        try:
            found += _str_keys(reader, reader.instance_items(obj, tp))
        except objects.Unreadable:
            pass
    for cls in resolver._mro(obj if is_type else tp):
        tp_dict = objects._u64(cls + reader.fields["type.dict"].offset)
        if tp_dict:
            found += _str_keys(reader, reader.dict_items(tp_dict, subclass=True))
    return found


def names(text, word, index=None):
    """Completions of WORD, the end of TEXT: a variable or global of frame
    INDEX (the selected one by default), or an attribute after a dot."""
    try:
        if index is None:
            index = selection.get()
        with objects.cached():
            scope = _scope(index)
            if scope is None:
                return []
            walker, local_names, globals_ = scope
            m = _CHAIN.search(text)
            if m and m.group(2) == word:
                candidates = _attributes(walker, local_names, globals_, m.group(1))
            elif text[:len(text) - len(word)].rstrip().endswith("."):
                return []  # an attribute of something not a name chain: ().x, 1.x
            else:
                candidates = list(local_names)
                if globals_:
                    candidates += _str_keys(walker.reader, walker.reader.dict_items(globals_))
    except (gdb.error, gdb.GdbError, runtime.Unavailable, objects.Unreadable,
            pyframes.NoFrame, KeyError, ValueError, OverflowError):
        return []
    hidden = not word.startswith("_")
    return sorted({c for c in candidates if c.startswith(word) and
                   not (hidden and c.startswith("_"))})


def frame_numbers(word):
    """Frame numbers of the selected thread that start with WORD."""
    try:
        _, thread = require_stopped_process()
        rt = runtime.read()
        ts = rt.thread_for_lwp(thread.ptid[1])
        with objects.cached():
            count = sum(1 for _ in pyframes.Walker(rt).chain(ts)) if ts else 0
    except (gdb.error, gdb.GdbError, runtime.Unavailable, objects.Unreadable):
        return []
    return [str(n) for n in range(min(count, 10000)) if str(n).startswith(word)]


def option_token(text):
    """The option being typed at the end of TEXT ('--fr'), or None."""
    token = text.split()[-1] if text.strip() and not text[-1].isspace() else ""
    return token if token.startswith("-") else None


def options(text, word, offered):
    """The options among OFFERED that complete the one being typed at the
    end of TEXT, as replacements of WORD (gdb breaks words at '-': in
    '--fr' the word is 'fr')."""
    token = option_token(text)
    if token is None:
        return []
    keep = len(token) - len(word)
    return [o[keep:] for o in offered if o.startswith(token)]


def command_line(text, word, offered=("--frame", "--force")):
    """Completion for 'COMMAND [--frame N] [--force] SOURCE': options first,
    a frame number after --frame, then names of that frame."""
    before = text[:len(text) - len(word)].split()
    if before and before[-1] == "--frame":
        return frame_numbers(word)
    index = None
    for i, w in enumerate(before):
        if w == "--frame" and i + 1 < len(before) and before[i + 1].isdigit():
            index = int(before[i + 1])
    source_started = any(not w.startswith("--") and not (i and before[i - 1] == "--frame")
                         for i, w in enumerate(before))
    if option_token(text) is not None and not source_started:
        return options(text, word, offered)
    return names(text, word, index)
