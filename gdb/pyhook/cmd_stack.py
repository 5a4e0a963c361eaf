"""py-hook-bt, py-hook-frame, py-hook-up, py-hook-down."""

import gdb

from . import aio, complete, args, layout, model, objects, pyframes, selection, snapshot, threadinfo, view, waits
from .errors import PyHookError, fail, usage
from .target import require_stopped_process


_FORCE_HELP = """--force  call into the thread even where py-hook finds it unsafe (inside
         malloc, a garbage collection, the dynamic loader, a signal
         handler...; see py-hook-status).  It may deadlock or corrupt the
         program.
--memory read the frames from memory, without calling into the program."""


class PyHookBt(gdb.Command):
    """List the Python frames of the selected thread, or of every thread.

Usage: py-hook-bt [--full [--globals]] [--all] [--memory | --force]
Frames are numbered from 0, the innermost (most recently called), and shown
as FILE:LINE in FUNCTION, FUNCTION being the qualified name.  Where py-hook
cannot call into the thread (the helper is not loaded, a core file, another
thread holds the GIL, the thread is inside malloc or the collector...), the
frames are read from memory, and a line says so and why.
--full   also list each frame's variables, as py-hook-locals shows them;
         in the module frame, modules, functions, classes and __dunder__
         names are counted, not listed.
--globals  with --full, list those too.
--all    every thread, read from memory: for each its gdb number, LWP,
         Python thread name and what it does with the GIL, then its
         frames; threads without a Python thread state are listed as
         native.
"""

    USAGE = "py-hook-bt [--full [--globals]] [--all] [--memory | --force]"
    OPTIONS = ("--full", "--globals", "--all", "--memory", "--force")

    def complete(self, text, word):
        if word is None:
            return gdb.COMPLETE_NONE  # gdb 14+ asks first for word-break characters
        return complete.options(text, word, self.OPTIONS)

    def __init__(self):
        super().__init__("py-hook-bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        with model.listing():
            self._invoke(arg)

    def _invoke(self, arg):
        argv = args.split(arg, "py-hook-bt", self.USAGE)
        args.reject_options(argv, "py-hook-bt", self.USAGE, allowed=self.OPTIONS)
        unexpected = [a for a in argv if a not in self.OPTIONS]
        if unexpected:
            raise usage("py-hook-bt", "unexpected argument %r" % unexpected[0], self.USAGE)
        full, force, memory = "--full" in argv, "--force" in argv, "--memory" in argv
        if force and (memory or "--all" in argv):
            raise usage("py-hook-bt", "--force makes a call where py-hook finds it unsafe; "
                        "--memory and --all make none", self.USAGE)
        all_globals = "--globals" in argv
        if all_globals and not full:
            raise usage("py-hook-bt", "--globals goes with --full", self.USAGE)
        if "--all" in argv:
            _all_threads(full, all_globals)
            return
        _, thread = require_stopped_process()
        try:
            snap = snapshot.take(with_locals=full, force=force, memory=memory)
        except PyHookError:
            # A thread without Python code has no stack to list: say so in
            # a line, so that 'thread apply all py-hook-bt' goes on.
            rt = _runtime_or_none()
            if rt is None or rt.thread_for_lwp(thread.ptid[1]) is not None:
                raise
            gdb.write("(thread %d, LWP %d, has no Python thread state: a native thread)\n"
                      % (thread.num, thread.ptid[1]))
            return
        _print_frames(snap, full, all_globals)


PyHookBt.__doc__ += _FORCE_HELP


def _runtime_or_none():
    try:
        return snapshot.read_runtime()
    except PyHookError:
        return None


def _print_frames(snap, full, all_globals):
    # One write for the whole listing: a write per line costs more than
    # the rest of the work on a deep stack.
    out = []
    for frame in snap.frames:
        out.append(view.frame_line(frame) + "\n")
        if full:
            out.append(view.variables_text(frame, "    ", all_globals))
    gdb.write("".join(out))


def _gil_text(gil):
    if gil.state == "holds it":
        return "holds the GIL"
    if gil.state == "waits for it":
        return "waits for the GIL"
    if gil.state == "hands it over":
        return "hands the GIL over to a waiting thread"
    where = gil.released_in or gil.blocked_in
    text = "released the GIL"
    if where:
        text += " in %s" % where
    if gil.blocked_in and gil.blocked_in != where:
        text += " (blocked in %s)" % gil.blocked_in
    return text


def _all_threads(full, all_globals, native=True):
    """py-hook-bt --all: every thread's Python stack, read from memory, with
    what each blocked thread waits for; without NATIVE, threads without a
    Python thread state are left out.  Ends with the cycles of threads, or
    of asyncio tasks, waiting for each other."""
    inf, selected = require_stopped_process()
    rt = snapshot.read_runtime()
    try:
        names = objects.thread_names(rt)
    except (objects.Unreadable, gdb.error):
        names = {}
    walker = pyframes.Walker(rt)
    threads = sorted(inf.threads(), key=lambda t: t.num)
    python = [(t, rt.thread_for_lwp(t.ptid[1])) for t in threads]
    blocked = waits.Waits(rt, walker, [(t, ts) for t, ts in python if ts is not None], names)
    labels = {}
    for n, (thread, ts) in enumerate(python):
        lwp = thread.ptid[1]
        name = names.get(lwp) or thread.name or ""
        label = "Thread %d (LWP %d)%s" % (thread.num, lwp,
                                          ' "%s"' % view.printable(name) if name else "")
        labels[thread.num] = label
        head = ("\n" if n else "") + label
        if ts is None:
            if native:
                gdb.write(head + ": native (no Python thread state)\n")
            continue
        gil = threadinfo.gil_state(ts, thread)
        gdb.write("%s: %s\n" % (head, _gil_text(gil)))
        with objects.cached():
            wait = blocked.read(thread, ts, gil)
        if wait is not None:
            gdb.write("    waiting for: %s\n" % view.printable(wait.text))
        try:
            snap = snapshot.from_memory(0, 0, full, thread=thread, rt=rt, walker=walker)
        except PyHookError as e:
            gdb.write("    (%s)\n" % str(e).replace("py-hook: ", "", 1))
            continue
        _print_frames(snap, full, all_globals)
    for cycle in blocked.find_cycles():
        gdb.write("\n%s\n" % view.printable(blocked.cycle_text(cycle, labels)))
    try:
        with objects.cached():
            tasks = aio.Tasks(rt, walker)
    except (objects.Unreadable, layout.Unknown, gdb.error):
        tasks = None
    for cycle in tasks.cycles if tasks is not None else ():
        gdb.write("\n%s\n" % tasks.cycle_text(cycle))


def _select(index, force, memory=False):
    frame = snapshot.frame(index, force=force, memory=memory)
    selection.set(index)
    view.print_hooked_at(frame)


class PyHookFrame(gdb.Command):
    """Select the Python frame that py-hook-locals and py-hook-set act on.

Usage: py-hook-frame [N] [--memory | --force]
N is a frame number from py-hook-bt (0 is the innermost).  Without N, show
the selected frame.  The selection goes back to 0 whenever the program
stops again.  --memory, --force: as for py-hook-bt."""

    USAGE = "py-hook-frame [N] [--memory | --force]"

    def __init__(self):
        super().__init__("py-hook-frame", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        index, given = args.optional_number(arg, "py-hook-frame", self.USAGE, selection.get())
        _select(index, "--force" in given, "--memory" in given)

    def complete(self, text, word):
        if word is None:
            return gdb.COMPLETE_NONE  # gdb 14+ asks first for word-break characters
        if complete.option_token(text) is not None:
            return complete.options(text, word, ("--memory", "--force"))
        return complete.frame_numbers(word)


class _Move(gdb.Command):
    def invoke(self, arg, from_tty):
        count, given = args.optional_number(arg, self.NAME, self.USAGE, 1, what="count")
        force, memory = "--force" in given, "--memory" in given
        current = selection.get()
        target = current + self.DIRECTION * count
        if target < 0:
            if current == 0:
                raise fail("%s: already at the innermost Python frame (#0)" % self.NAME)
            gdb.write("py-hook: %s: only %d frame%s inwards; selecting the innermost (#0)\n"
                      % (self.NAME, current, "" if current == 1 else "s"))
            target = 0
        else:
            snap = snapshot.take(first=0, count=1, force=force, memory=memory, quiet=True)
            last = snap.total - 1
            if target > last:
                if current >= last:
                    raise fail("%s: already at the outermost Python frame (#%d)"
                               % (self.NAME, last))
                gdb.write("py-hook: %s: only %d frame%s outwards; selecting the outermost "
                          "(#%d)\n" % (self.NAME, last - current, "" if last - current == 1
                                        else "s", last))
                target = last
        _select(target, force, memory)


class PyHookUp(_Move):
    """Select the Python frame that called the selected one.

Usage: py-hook-up [COUNT] [--memory | --force]
COUNT frames outwards (towards <module>), 1 by default.  --memory, --force:
as for py-hook-bt."""

    NAME = "py-hook-up"
    USAGE = "py-hook-up [COUNT] [--memory | --force]"
    DIRECTION = 1

    def __init__(self):
        super().__init__(self.NAME, gdb.COMMAND_STACK)


class PyHookDown(_Move):
    """Select the Python frame that the selected one called.

Usage: py-hook-down [COUNT] [--memory | --force]
COUNT frames inwards (towards frame 0), 1 by default.  --memory, --force:
as for py-hook-bt."""

    NAME = "py-hook-down"
    USAGE = "py-hook-down [COUNT] [--memory | --force]"
    DIRECTION = -1

    def __init__(self):
        super().__init__(self.NAME, gdb.COMMAND_STACK)


class PyHookDump(gdb.Command):
    """Print every Python thread's stack, read from memory: what 'py-hook dump' runs.

Usage: py-hook-dump [--locals [--globals]] [--native]
The same as py-hook-bt --all (--locals: --full), without the threads that
run no Python code unless --native is given.  Makes no call into the
program, so it also works in core files and where the helper is not loaded.
The shell command 'py-hook dump PID' attaches gdb, runs this and detaches."""

    USAGE = "py-hook-dump [--locals [--globals]] [--native]"
    OPTIONS = ("--locals", "--globals", "--native")

    def __init__(self):
        super().__init__("py-hook-dump", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        argv = args.split(arg, "py-hook-dump", self.USAGE)
        args.reject_options(argv, "py-hook-dump", self.USAGE, allowed=self.OPTIONS)
        unexpected = [a for a in argv if a not in self.OPTIONS]
        if unexpected:
            raise usage("py-hook-dump", "unexpected argument %r" % unexpected[0], self.USAGE)
        if "--globals" in argv and "--locals" not in argv:
            raise usage("py-hook-dump", "--globals goes with --locals", self.USAGE)
        with model.listing():
            _all_threads("--locals" in argv, "--globals" in argv, "--native" in argv)


COMMANDS = (PyHookBt, PyHookFrame, PyHookUp, PyHookDown, PyHookDump)
