"""py-hook-locals, py-hook-set."""

import re

import gdb

from . import args, selection, snapshot, view
from .errors import usage


class PyHookLocals(gdb.Command):
    """Show the variables of a Python frame.

Usage: py-hook-locals [N] [--force]
N is a frame number from py-hook-bt; without it, the frame selected with
py-hook-frame (0 at first).  --force: as for py-hook-bt.  One variable per line, in definition order
(arguments, locals, cell and free variables):
    NAME = VALUE  (TYPE[, len N][, arg|cell|free])
Values are rendered without running any of the program's code; long ones are
cut at 'py-hook value-limit' characters and end in '...'."""

    USAGE = "py-hook-locals [N] [--force]"

    def __init__(self):
        super().__init__("py-hook-locals", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        index, force = args.optional_number(arg, "py-hook-locals", self.USAGE, selection.get())
        view.print_variables(snapshot.frame(index, with_locals=True, force=force))


# EXPR is Python source and must reach the helper byte for byte, so the line
# is split by hand rather than with gdb.string_to_argv, which eats quotes.
_TOKEN = re.compile(r"\s*(\S+)")


class PyHookSet(gdb.Command):
    """Assign a Python expression to a variable of a Python frame.

Usage: py-hook-set [--frame N] [--force] NAME EXPR
NAME  an argument, local, cell or free variable of the frame (in a module
      frame, any global name).
EXPR  the rest of the line: Python source evaluated in the frame, with its
      globals and locals, when the command runs.
--frame N  act on frame N instead of the one selected with py-hook-frame.
--force    call into the thread even where py-hook finds it unsafe; see
           py-hook-bt.
The program sees the new value when it continues; closures that share a
cell see it too.  Prints the value as stored."""

    USAGE = "py-hook-set [--frame N] [--force] NAME EXPR"

    def __init__(self):
        super().__init__("py-hook-set", gdb.COMMAND_DATA)

    def _parse(self, arg):
        rest = arg
        index = None
        self.force = False
        while True:
            m = _TOKEN.match(rest)
            if not m:
                raise usage("py-hook-set", "NAME and EXPR are missing", self.USAGE)
            word = m.group(1)
            if word == "--frame":
                rest = rest[m.end():]
                m = _TOKEN.match(rest)
                if not m:
                    raise usage("py-hook-set", "--frame needs a frame number", self.USAGE)
                index = args.frame_number(m.group(1), "py-hook-set", self.USAGE)
                rest = rest[m.end():]
                continue
            if word == "--force":
                self.force = True
                rest = rest[m.end():]
                continue
            if word == "--":
                rest = rest[m.end():]
                m = _TOKEN.match(rest)
                if not m:
                    raise usage("py-hook-set", "NAME and EXPR are missing", self.USAGE)
                word = m.group(1)
            elif word.startswith("--"):
                raise usage("py-hook-set", "unknown option %r" % word, self.USAGE)
            name, expr = word, rest[m.end():].strip()
            if not expr:
                raise usage("py-hook-set", "EXPR is missing after %s" % name, self.USAGE)
            return index, name, expr

    def invoke(self, arg, from_tty):
        index, name, expr = self._parse(arg)
        if not name.isidentifier():
            raise usage(
                "py-hook-set",
                "%r is not a Python identifier; NAME must be a variable name" % name,
                self.USAGE,
            )
        if index is None:
            index = selection.get()
        stored = snapshot.assign(index, name, expr, force=self.force)
        gdb.write(view.variable_line(stored) + "\n")


COMMANDS = (PyHookLocals, PyHookSet)
