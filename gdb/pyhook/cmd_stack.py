"""py-hook-bt, py-hook-frame, py-hook-up, py-hook-down."""

import gdb

from . import args, selection, snapshot, view
from .errors import fail, usage


class PyHookBt(gdb.Command):
    """List the Python frames of the selected thread.

Usage: py-hook-bt [--full] [--force]
Frames are numbered from 0, the innermost (most recently called), and shown
as FILE:LINE in FUNCTION, FUNCTION being the qualified name.
--full   also list each frame's variables, as py-hook-locals shows them.
--force  call into the thread even where py-hook finds it unsafe (inside
         malloc, a garbage collection, the dynamic loader, a signal
         handler...; see py-hook-status).  It may deadlock or corrupt the
         program."""

    USAGE = "py-hook-bt [--full] [--force]"

    def __init__(self):
        super().__init__("py-hook-bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        argv = args.split(arg, "py-hook-bt", self.USAGE)
        args.reject_options(argv, "py-hook-bt", self.USAGE, allowed=("--full", "--force"))
        unexpected = [a for a in argv if a not in ("--full", "--force")]
        if unexpected:
            raise usage("py-hook-bt", "unexpected argument %r" % unexpected[0], self.USAGE)
        full = "--full" in argv
        snap = snapshot.take(with_locals=full, force="--force" in argv)
        for frame in snap.frames:
            gdb.write(view.frame_line(frame) + "\n")
            if full:
                view.print_variables(frame, indent="    ")


def _select(index, force):
    frame = snapshot.frame(index, force=force)
    selection.set(index)
    view.print_hooked_at(frame)


class PyHookFrame(gdb.Command):
    """Select the Python frame that py-hook-locals and py-hook-set act on.

Usage: py-hook-frame [N] [--force]
N is a frame number from py-hook-bt (0 is the innermost).  Without N, show
the selected frame.  The selection goes back to 0 whenever the program
stops again.  --force: as for py-hook-bt."""

    USAGE = "py-hook-frame [N] [--force]"

    def __init__(self):
        super().__init__("py-hook-frame", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        _select(*args.optional_number(arg, "py-hook-frame", self.USAGE, selection.get()))


class _Move(gdb.Command):
    def invoke(self, arg, from_tty):
        count, force = args.optional_number(arg, self.NAME, self.USAGE, 1, what="count")
        current = selection.get()
        target = current + self.DIRECTION * count
        if target < 0:
            if current == 0:
                raise fail("%s: already at the innermost Python frame (#0)" % self.NAME)
            gdb.write("py-hook: %s: only %d frame%s inwards; selecting the innermost (#0)\n"
                      % (self.NAME, current, "" if current == 1 else "s"))
            target = 0
        else:
            snap = snapshot.take(first=0, count=1, force=force)
            last = snap.total - 1
            if target > last:
                if current >= last:
                    raise fail("%s: already at the outermost Python frame (#%d)"
                               % (self.NAME, last))
                gdb.write("py-hook: %s: only %d frame%s outwards; selecting the outermost "
                          "(#%d)\n" % (self.NAME, last - current, "" if last - current == 1
                                        else "s", last))
                target = last
        _select(target, force)


class PyHookUp(_Move):
    """Select the Python frame that called the selected one.

Usage: py-hook-up [COUNT] [--force]
COUNT frames outwards (towards <module>), 1 by default.  --force: as for
py-hook-bt."""

    NAME = "py-hook-up"
    USAGE = "py-hook-up [COUNT] [--force]"
    DIRECTION = 1

    def __init__(self):
        super().__init__(self.NAME, gdb.COMMAND_STACK)


class PyHookDown(_Move):
    """Select the Python frame that the selected one called.

Usage: py-hook-down [COUNT] [--force]
COUNT frames inwards (towards frame 0), 1 by default.  --force: as for
py-hook-bt."""

    NAME = "py-hook-down"
    USAGE = "py-hook-down [COUNT] [--force]"
    DIRECTION = -1

    def __init__(self):
        super().__init__(self.NAME, gdb.COMMAND_STACK)


COMMANDS = (PyHookBt, PyHookFrame, PyHookUp, PyHookDown)
