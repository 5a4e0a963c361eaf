"""py-hook-catch: stop where Python raises an exception."""

import gdb

from . import catch, view
from .errors import usage


class PyHookCatch(gdb.Command):
    """Stop the program where Python raises an exception, as 'catch throw' does for C++.

Usage: py-hook-catch raise [TYPE...]   set a catchpoint
       py-hook-catch [list]            list the catchpoints
       py-hook-catch delete [N...]     delete catchpoints N (all without N)
TYPE  an exception class name: ValueError, OSError (its subclasses too:
      FileNotFoundError stops 'py-hook-catch raise OSError'), a class of the
      program (MyError, or module.MyError).  Without TYPE, every exception.
The program stops where the exception is raised, in the raising frame,
whether a 'raise' statement or a function called there raised it, even if
an 'except' catches it later; not again as it propagates to callers, nor for
a bare 'raise' that re-raises.  That frame is selected: py-hook-locals,
py-hook-bt and py-hook-explain show it.  The exception is read from memory,
so a catchpoint runs no code in the program; but every exception the
program raises stops it briefly, which slows a program that raises many."""

    USAGE = "py-hook-catch raise [TYPE...] | py-hook-catch [list] | py-hook-catch delete [N...]"

    def __init__(self):
        super().__init__("py-hook-catch", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        words = gdb.string_to_argv(arg)
        if not words or words == ["list"]:
            return self._list()
        action, rest = words[0], words[1:]
        if action == "raise":
            for name in rest:
                if not all(part.isidentifier() for part in name.split(".")):
                    raise usage("py-hook-catch", "%s is not an exception class name"
                                % view.printable(repr(name)), self.USAGE)
            cp = catch.add(rest)
            gdb.write("Catchpoint %d (%s)\n" % (cp.number_shown, cp.describe()))
            return
        if action == "delete":
            numbers = []
            known = dict(catch.listing())
            for word in rest:
                if not word.isdigit() or int(word) not in known:
                    raise usage("py-hook-catch", "no catchpoint %s; 'py-hook-catch' lists them"
                                % view.printable(word), self.USAGE)
                if int(word) not in numbers:
                    numbers.append(int(word))
            n = catch.delete(numbers)
            gdb.write("deleted %d catchpoint%s\n" % (n, "" if n == 1 else "s"))
            return
        raise usage("py-hook-catch", "unknown action %s" % view.printable(repr(action)),
                    self.USAGE)

    def complete(self, text, word):
        if word is None:
            return gdb.COMPLETE_NONE  # gdb 14+ asks first for word-break characters
        before = text[:len(text) - len(word)].split()
        if not before:
            return [a for a in ("raise", "list", "delete") if a.startswith(word)]
        if before[0] == "delete":
            return [str(n) for n, _ in catch.listing() if str(n).startswith(word)]
        return []

    def _list(self):
        rows = catch.listing()
        if not rows:
            gdb.write("No py-hook catchpoints.\n")
            return
        width = max([40] + [len(view.printable(cp.describe())) for _, cp in rows])
        gdb.write("%-7s %-*s %s\n" % ("Num", width, "What", "Hits"))
        for number, cp in rows:
            gdb.write("%-7d %-*s %d\n" % (number, width, view.printable(cp.describe()), cp.hits))


COMMANDS = (PyHookCatch,)
