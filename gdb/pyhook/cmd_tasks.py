"""py-hook-tasks: every asyncio task of the process, read from memory."""

import gdb

from . import aio, args, exceptions, model, objects, pyframes, snapshot, view
from .errors import fail, usage
from .layout import Unknown
from .objects import Unreadable
from .settings import value_limit
from .target import require_stopped_process


class PyHookTasks(gdb.Command):
    """List every asyncio task, with its await chain and what it waits for.

Usage: py-hook-tasks [--locals]
For every event loop of the process, each task it has: its name, its state
(pending, finished, cancelled; 'cancelling' once a cancel is requested),
what it waits for - another task (by name), a gather(), asyncio.sleep()
with the time left, an asyncio Lock, Event, Condition, Semaphore or Queue
(with its state and the name the awaiting frame gives it), or a future -
and its coroutine chain: level 0 is the task's coroutine, each next level
what the one before awaits (coroutines, async generators, 'yield from'),
as FILE:LINE in FUNCTION.  A task running now shows the frames of its
thread from its coroutine inwards.  --locals adds each level's variables.
When tasks wait for each other in a cycle, a last paragraph names it.
Everything is read from memory, in C and pure-Python tasks alike, on
CPython 3.11 to 3.15; no code of the program runs, so it works at any stop
and in core files.  py-hook-locals --task NAME [LEVEL] and py-hook-set
--task NAME act on a level's frame."""

    USAGE = "py-hook-tasks [--locals]"

    def __init__(self):
        super().__init__("py-hook-tasks", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        argv = args.split(arg, "py-hook-tasks", self.USAGE)
        with_locals = args.take_flag(argv, "--locals")
        if argv:
            raise usage("py-hook-tasks", "it takes no argument but --locals, got %s"
                        % view.printable(repr(argv[0])), self.USAGE)
        with model.listing(), objects.cached():
            tasks = read_tasks()
            gdb.write(render(tasks, with_locals))


def read_tasks():
    """An aio.Tasks of the selected process, or raises PyHookError."""
    require_stopped_process()
    rt = snapshot.read_runtime()
    try:
        return aio.Tasks(rt, pyframes.Walker(rt))
    except Unknown as e:
        raise fail("the asyncio tasks cannot be read: %s" % e)
    except Unreadable as e:
        raise fail("the asyncio tasks could not be read from memory: %s" % e)


def task_title(task):
    """'Task "NAME" at 0xADDRESS (STATE)': the address is what --task takes
    for a task whose name is not unique or cannot be typed."""
    state = task.state + (", cancelling" if task.cancelling and task.state == "pending" else "")
    if task.eager:
        state += ", eager"
    return 'Task "%s" at 0x%x (%s)' % (view.printable(task.name), task.address, state)


def level_frames(tasks, task, with_locals=False):
    """model.Frame of each level of TASK (index = level)."""
    frames = []
    for level, address in enumerate(task.levels):
        try:
            frames.append(tasks.cor.frame(address, level, with_locals, value_limit()))
        except Unreadable as e:
            frame = model.Frame(level, "?", 0, "?")
            frame.note = "its memory could not be read (%s)" % e
            frames.append(frame)
    return frames


def _outcome(tasks, task):
    limit = min(value_limit(), 120)
    if task.state == "cancelled":
        return ""
    try:
        if task.exception:
            r = tasks.r
            kind = r.type_of(task.exception)
            message = exceptions.message(r, r.fields, task.exception)
            return ": raised %s%s" % (view.printable(r.type_name(kind)),
                                      ": " + view.printable(message) if message else "")
        if task.result:
            _, _, text, cut = tasks.walker.renderer.fields(task.result, limit)
            return ": result %s%s" % (view.printable(text), "..." if cut else "")
    except Unreadable:
        pass
    return ""


def render(tasks, with_locals):
    out = ["py-hook: asyncio tasks read from memory; no code of the program runs\n"]
    if not tasks.imported:
        out.append("the interpreter is finalizing: its modules are gone, asyncio's tasks with "
                   "them\n" if tasks.rt.finalizing else
                   "asyncio is not imported in this process: it has no tasks\n")
        return "".join(out)
    if not tasks.tasks:
        out.append("no asyncio tasks\n")
        return "".join(out)
    for loop in tasks.loops:
        where = "run by Thread %d (LWP %d)" % (loop.thread.num, loop.thread.ptid[1]) \
            if loop.thread is not None else "not running"
        if loop.closed:
            where = "closed"
        n = len(loop.tasks)
        out.append("\nEvent loop %s at 0x%x, %s: %d task%s\n"
                   % (view.printable(loop.type_name), loop.address, where, n,
                      "" if n == 1 else "s"))
        for task in loop.tasks:
            line = task_title(task)
            if task.error:
                line += ": " + view.printable(task.error)
            elif task.state != "pending":
                line += _outcome(tasks, task)
            elif task.waits:
                line += " " + view.printable(task.waits)
            out.append(line + "\n")
            if task.note:
                out.append("    (%s)\n" % view.printable(task.note))
            for frame in level_frames(tasks, task, with_locals):
                out.append("    " + view.frame_line(frame) + "\n")
                if frame.note:
                    out.append("        (%s)\n" % frame.note)
                elif with_locals:
                    out.append(view.variables_text(frame, "        "))
    for cycle in tasks.cycles:
        out.append("\n" + tasks.cycle_text(cycle) + "\n")
    return "".join(out)


COMMANDS = (PyHookTasks,)
