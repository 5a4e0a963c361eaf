"""py-hook-eval (alias py-hook-print): a Python expression's value in a frame."""

import re

import gdb

from . import args, selection, snapshot, view
from .cmd_locals import assigned_by
from .errors import usage

# EXPR is Python source and must reach the helper byte for byte, so the line
# is split by hand rather than with gdb.string_to_argv, which eats quotes.
_TOKEN = re.compile(r"\s*(\S+)")


class PyHookEval(gdb.Command):
    """Evaluate a Python expression in a Python frame and print its repr().

Usage: py-hook-eval [--frame N] [--force] EXPR
EXPR  the rest of the line: Python source evaluated in the frame selected
      with py-hook-frame, with its globals and locals, when the command runs.
      Its value is printed with its own repr() (the program's __repr__ runs:
      you asked for it), cut at 'py-hook value-limit' characters, then its
      type.  Nothing is stored: what EXPR itself does (calls, attribute
      assignments inside them) stands.  An exception is the command's error,
      with its traceback.
--frame N  evaluate in frame N instead of the selected one.
--force    call into the thread even where py-hook finds it unsafe; see
           py-hook-bt.
py-hook-print is the same command."""

    NAME = "py-hook-eval"
    USAGE = "py-hook-eval [--frame N] [--force] EXPR"

    def __init__(self, name=None):
        super().__init__(name or self.NAME, gdb.COMMAND_DATA)

    def _parse(self, arg):
        rest, index, force = arg, None, False
        while True:
            m = _TOKEN.match(rest)
            if not m:
                raise usage(self.NAME, "EXPR is missing", self.USAGE)
            word = m.group(1)
            if word == "--frame":
                rest = rest[m.end():]
                m = _TOKEN.match(rest)
                if not m:
                    raise usage(self.NAME, "--frame needs a frame number", self.USAGE)
                index = args.frame_number(m.group(1), self.NAME, self.USAGE)
                rest = rest[m.end():]
            elif word == "--force":
                force = True
                rest = rest[m.end():]
            elif word == "--":
                rest = rest[m.end():]
                break
            elif word.startswith("--") and not word.startswith("---"):
                raise usage(self.NAME, "unknown option %r" % word, self.USAGE)
            else:
                break
        expr = rest.strip()
        if not expr:
            raise usage(self.NAME, "EXPR is missing", self.USAGE)
        return index, force, expr

    def invoke(self, arg, from_tty):
        index, force, expr = self._parse(arg)
        walrus = assigned_by(expr)
        if walrus:
            raise usage(self.NAME, "EXPR assigns %s with ':=': assignment expressions are "
                        "refused, because CPython 3.13 keeps such a change in the frame and "
                        "3.11 and 3.12 lose it; use py-hook-set %s EXPR"
                        % (view.printable(walrus), view.printable(walrus)), self.USAGE)
        if index is None:
            index = selection.get()
        value = snapshot.evaluate(index, expr, force)
        gdb.write(view.value_line(value) + "\n")


class PyHookPrint(PyHookEval):
    """Evaluate a Python expression in a Python frame and print its repr() (py-hook-eval).

Usage: py-hook-print [--frame N] [--force] EXPR
The same command as py-hook-eval; see 'help py-hook-eval'."""

    NAME = "py-hook-print"
    USAGE = "py-hook-print [--frame N] [--force] EXPR"


COMMANDS = (PyHookEval, PyHookPrint)
