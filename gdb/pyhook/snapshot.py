"""A thread's Python frames and variables: through the helper when a call
can be made, read from memory otherwise.

take() asks the safety model for a plan first.  When the call cannot be
made here and now (the helper is not loaded, a core file, another thread
holds the GIL, the thread is inside the allocator or the collector, an
earlier call is unfinished), the frames are read from memory instead
(pyframes.py), and one line says so and why.  Errors that memory cannot
get round (no Python thread state, no frame of that number) are raised as
they are.  Both paths give the same model objects and the same text.
"""

import gdb

from . import abi, aio, coroutines, explain, inferior, layout, objects, pyframes, runtime, safety, view
from .target import require_stopped_process
from .errors import PyHookError, fail
from .model import Frame, Snapshot, Variable
from .settings import value_limit


def _records(text):
    """The reply's records as (tag, [field, ...]): one per line, fields
    separated by TAB, with backslash, TAB and newline escaped (hookhelper.h)."""
    for line in text.split("\n"):
        if not line:
            continue
        fields = line.split("\t")
        # Most lines hold no escape at all: no need to look at each field.
        yield fields[0], [_unescape(f) for f in fields[1:]] if "\\" in line else fields[1:]


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


def _plan(force):
    """The safety plan for a call into the selected thread (raises PyHookError
    when py-hook may not call there)."""
    _, thread = require_stopped_process()
    inferior.handshake_only(gdb.selected_inferior())
    return safety.plan(thread, force)


def _parse(reply, writes=None):
    """The reply's frames, frames-total and last S record; WRITES, a list,
    gets every S record and every W record (as (name, reason)) in order."""
    frames, total, stored = [], None, None
    variables = None
    for tag, fields in _records(reply.text):
        if tag == "V" and len(fields) == 6 and variables is not None:
            variables.append(Variable(*fields))  # most records: first
        elif tag == "F" and len(fields) == 4:
            frames.append(Frame(*fields))
            variables = frames[-1].variables
        elif tag in ("V", "S") and len(fields) == 6:
            variable = Variable(*fields)
            if tag == "S":
                stored = variable
                if writes is not None:
                    writes.append(variable)
        elif tag == "W" and len(fields) == 2 and writes is not None:
            writes.append((fields[0], fields[1]))
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


def take(first=0, count=0, with_locals=False, force=False, memory=False, quiet=False):
    """Frames first .. first+count-1 (count 0: all) of the selected thread;
    MEMORY reads them from memory without trying a call.  QUIET: no line
    about the path taken (a command that lists twice says it once)."""
    if memory:
        return from_memory(first, count, with_locals)
    try:
        reply = inferior.call(
            "hook_snapshot",
            _plan(force),
            flags=abi.HOOK_REQ_LOCALS if with_locals else 0,
            first_frame=first,
            max_frames=count,
            value_limit=value_limit(),
        )
    except PyHookError as e:
        if e.brief is None:
            raise
        snap = from_memory(first, count, with_locals)
        if not quiet:
            gdb.write("py-hook: read from memory: %s\n" % e.brief)
        return snap
    frames, total, _ = _parse(reply)
    snap = Snapshot(frames, total, reply.python_version)
    snap.source = "helper"
    return snap


def frame(index, with_locals=False, force=False, memory=False):
    return take(index, 1, with_locals, force, memory).frames[0]


def generator_frame(index, var, with_locals=False, force=False, memory=False):
    """The frame of the suspended generator, coroutine or async generator
    held in variable VAR of frame INDEX: through the helper (HOOK_REQ_OF)
    where a call can be made, else read from memory, saying why."""
    if not memory:
        try:
            return _object_frame(index, _source_bytes("VAR", var), 0, with_locals, force)
        except PyHookError as e:
            if e.brief is None:
                raise
            gdb.write("py-hook: read from memory: %s\n" % e.brief)
    rt = read_runtime()
    _, thread = require_stopped_process()
    ts = python_thread(rt, thread)
    walker = pyframes.Walker(rt)
    cor = coroutines.Reader(walker)
    try:
        with objects.cached():
            _, names, globals_ = walker.scope(ts, index)
            value = names.get(var)
            # An unbound variable of the function is not its global.
            if not value and not explain.is_local(walker, ts, index, var):
                value = walker.reader.dict_get(globals_, var)
            if not value:
                raise fail("'%s' is neither a bound variable of this frame nor a global of its "
                           "module" % view.printable(var))
            kind = cor.kind(value)
            if kind is None:
                held = walker.reader.type_name(walker.reader.type_of(value))
                raise fail("'%s' holds %s %s, not a generator, coroutine or async generator"
                           % (view.printable(var), "an" if held[:1] in "aeiouAEIOU" else "a",
                              view.printable(held)))
            gen = cor.read(value)
            if gen.state == "finished":
                raise fail("the %s in '%s' has finished: it has no frame left"
                           % (kind, view.printable(var)))
            return cor.frame(gen, 0, with_locals, value_limit())
    except pyframes.NoFrame as e:
        raise fail(str(e))
    except (objects.Unreadable, gdb.error) as e:
        raise fail("the generator in '%s' could not be read from memory (%s)"
                   % (view.printable(var), e))


def _object_frame(index, var, flags, with_locals, force):
    """One frame through HOOK_REQ_OF: of VAR's generator in frame INDEX, or
    with HOOK_REQ_OBJECT in FLAGS of the object whose address VAR holds."""
    reply = inferior.call(
        "hook_snapshot",
        _plan(force),
        flags=abi.HOOK_REQ_OF | flags | (abi.HOOK_REQ_LOCALS if with_locals else 0),
        first_frame=index,
        max_frames=1,
        value_limit=value_limit(),
        name=var,
    )
    frames, _, _ = _parse(reply)
    if not frames:
        raise fail("the helper did not describe the generator's frame; rebuild with make")
    return frames[0]


def task(name, level=None):
    """(aio.Tasks, aio.Task) of the task NAME (or 0xADDRESS) read from
    memory, checking LEVEL against its await chain; raises PyHookError."""
    require_stopped_process()
    rt = read_runtime()
    wanted = name.lower()
    try:
        with objects.cached():
            # Only the named task's chain is read: a listing reads them all.
            tasks = aio.Tasks(rt, pyframes.Walker(rt),
                              only=lambda t: t.name == name or "0x%x" % t.address == wanted)
    except layout.Unknown as e:
        raise fail("the asyncio tasks cannot be read: %s" % e)
    except objects.Unreadable as e:
        raise fail("the asyncio tasks could not be read from memory: %s" % e)
    try:
        found = aio.find(tasks, name)
    except KeyError as e:
        if e.args[0]:
            raise fail("%d tasks are named %s: give the address py-hook-tasks shows for one "
                       "(--task 0x...)" % (e.args[0], view.printable(repr(name))))
        known = sorted(t.name for t in tasks.tasks.values())
        raise fail("there is no asyncio task named %s%s; see py-hook-tasks"
                   % (view.printable(repr(name)),
                      " (there are: %s)" % view.printable(", ".join(known[:20]))
                      if known else " (the process has no asyncio tasks)"))
    if found.state != "pending":
        raise fail('task "%s" is %s: it has no frames left' % (view.printable(found.name),
                                                               found.state))
    if found.error:
        raise fail('task "%s": %s' % (view.printable(found.name), found.error))
    if level is not None and level >= len(found.levels):
        raise fail('task "%s" has no level %d: its await chain has %d (0 to %d); see '
                   'py-hook-tasks' % (view.printable(found.name), level, len(found.levels),
                                      len(found.levels) - 1))
    return tasks, found


def _other_interpreter(found):
    """Why a call cannot reach task FOUND (it belongs to another interpreter
    than the selected thread's: the helper's objects would be freed by the
    wrong allocator), or None."""
    _, thread = require_stopped_process()
    rt = read_runtime()
    ts = rt.thread_for_lwp(thread.ptid[1])
    if ts is not None and found.interp and ts.interp.address != found.interp:
        return ('task "%s" belongs to another interpreter (0x%x) than thread %d\'s; select a '
                'thread of that interpreter first' % (view.printable(found.name), found.interp,
                                                       thread.num))
    return None


def task_gen(found, level, command):
    """The address of the coroutine or generator at LEVEL of task FOUND, for
    a call; raises PyHookError for a plain function frame of a running task,
    or a task of another interpreter."""
    other = _other_interpreter(found)
    if other:
        raise fail(other)
    gen = found.gens[level]
    if gen is None:
        thread, at = found.thread
        raise fail('level %d of task "%s" is a plain function running in thread %d: use '
                   '%s --frame %d there (thread %d)' % (level, view.printable(found.name),
                                                       thread.num, command, at - level,
                                                       thread.num))
    return gen.address


def task_frame(name, level, with_locals=False, force=False, memory=False):
    """The frame at LEVEL of task NAME: through the helper where a call can
    be made (HOOK_REQ_OBJECT), else read from memory, saying why."""
    tasks, found = task(name, level)
    gen = found.gens[level]
    other = _other_interpreter(found)
    if other and not memory:
        gdb.write("py-hook: read from memory: %s\n" % other)
        memory = True
    if not memory and gen is not None:
        try:
            frame = _object_frame(0, b"%x" % gen.address, abi.HOOK_REQ_OBJECT, with_locals,
                                  force)
            frame.index = level
            return found, frame
        except PyHookError as e:
            if e.brief is None:
                raise
            gdb.write("py-hook: read from memory: %s\n" % e.brief)
    try:
        with objects.cached():
            return found, tasks.cor.frame(found.levels[level], level, with_locals, value_limit())
    except (objects.Unreadable, gdb.error) as e:
        raise fail("level %d of task \"%s\" could not be read from memory (%s)"
                   % (level, view.printable(found.name), e))


def python_thread(rt, thread):
    """The Python thread state of gdb THREAD, or raises PyHookError."""
    ts = rt.thread_for_lwp(thread.ptid[1])
    if ts is None:
        raise safety.no_python_thread(rt, thread)
    return ts


def read_runtime():
    """runtime.read(), or raises PyHookError with the reason."""
    try:
        return runtime.read()
    except runtime.Unavailable as e:
        raise fail("the Python frames cannot be read from memory: %s" % e)


def from_memory(first=0, count=0, with_locals=False, thread=None, rt=None, walker=None):
    """take() from memory, for THREAD (the selected one by default)."""
    if thread is None:
        _, thread = require_stopped_process()
    rt = rt or read_runtime()
    ts = python_thread(rt, thread)
    try:
        walker = walker or pyframes.Walker(rt)
        with objects.cached():
            snap = walker.snapshot(ts, first, count, with_locals, value_limit())
    except pyframes.NoFrame as e:
        raise fail(str(e))
    except (objects.Unreadable, gdb.error) as e:
        raise fail("thread %d's Python frames could not be read from memory (%s); the program "
                   "may have corrupted them" % (thread.num, e))
    snap.source = "memory"
    return snap


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


def _apply(flags, index, name=b"", expr=b"", force=False, limit=None):
    """One hook_apply_locals call on frame INDEX with FLAGS; NAME and EXPR
    are the payload's bytes; values are cut at LIMIT characters (default:
    the value-limit setting).  Returns the Reply."""
    return inferior.call("hook_apply_locals", _plan(force), flags=flags, first_frame=index,
                         max_frames=1, value_limit=limit or value_limit(), name=name, expr=expr)


def end_session(index):
    """Drops frame INDEX's read-only session overlay (HOOK_REQ_END_SESSION)."""
    _apply(abi.HOOK_REQ_END_SESSION, index)


def _value_call(flag, index, name, expr, force, limit=None):
    """hook_apply_locals with FLAG (HOOK_REQ_EVAL or HOOK_REQ_EXEC) in frame
    INDEX: the Variable its S record reports, its value cut at LIMIT
    characters (default: the value-limit setting)."""
    reply = _apply(flag, index, _source_bytes("NAME", name), _source_bytes("EXPR", expr), force,
                   limit)
    _, _, value = _parse(reply)
    if value is None:
        raise fail("the helper ran EXPR but did not report its value; rebuild with make")
    return value


def execute(index, statements, declared_global=(), force=False, session=False):
    """Runs STATEMENTS in frame INDEX (HOOK_REQ_STMT); DECLARED_GLOBAL
    names the names they declare global; SESSION keeps every change in the
    frame's read-only session overlay (HOOK_REQ_SESSION).  Returns what was
    written: a Variable for each name stored (its kind says where) and a
    (name, reason) pair for each name that could not be."""
    reply = _apply(abi.HOOK_REQ_STMT | (abi.HOOK_REQ_SESSION if session else 0), index,
                   _source_bytes("a global name", "\n".join(declared_global)),
                   _source_bytes("STMT", statements), force)
    writes = []
    _parse(reply, writes)
    return writes


def evaluate(index, expr, force=False, limit=None, session=False):
    """Evaluates EXPR in frame INDEX; returns a Variable whose value is its
    repr() (the program's __repr__ runs), cut at LIMIT, and whose name is
    empty.  SESSION: with the frame's read-only session overlay."""
    return _value_call(abi.HOOK_REQ_EVAL | (abi.HOOK_REQ_SESSION if session else 0), index, "",
                       expr, force, limit)


def assign_target(index, target, expr, force=False):
    """Executes TARGET = (EXPR) in frame INDEX, TARGET an attribute or item
    (binding no variable); returns a Variable with TARGET read back."""
    return _value_call(abi.HOOK_REQ_EXEC, index, target, expr, force)


def assign(index, name, expr, force=False, of=None, obj=None):
    """Evaluates EXPR in frame INDEX and stores it in NAME; returns the
    Variable.  OF: act on the frame of the generator in that variable; OBJ:
    on the frame of the generator or coroutine at that address."""
    flags = 0
    if obj is not None:
        flags, of = abi.HOOK_REQ_OF | abi.HOOK_REQ_OBJECT, "%x" % obj
    elif of is not None:
        flags = abi.HOOK_REQ_OF
    reply = _apply(flags, index,
                   _source_bytes("NAME", name if of is None else of + "\n" + name),
                   _source_bytes("EXPR", expr), force)
    _, _, stored = _parse(reply)
    if stored is None:
        raise fail("the helper stored the value but did not report it back; rebuild with make")
    return stored
