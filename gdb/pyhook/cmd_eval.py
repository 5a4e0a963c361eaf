"""py-hook-eval (alias py-hook-print): a Python expression's value in a
frame; py-hook-exec: Python statements run in a frame."""

import ast
import re

import gdb

from . import abi, args, complete, repl, selection, snapshot, view
from .cmd_locals import assigned_by
from .errors import fail, usage
from .pysource import declared_global

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

    def complete(self, text, word):
        if word is None:
            return gdb.COMPLETE_NONE  # gdb 14+ asks first for word-break characters
        return complete.command_line(text, word)

    MISSING = "EXPR is missing"

    def _parse(self, arg):
        """(frame index or None, --force given, the source after the options)."""
        rest, index, force = arg, None, False
        while True:
            m = _TOKEN.match(rest)
            if not m:
                raise usage(self.NAME, self.MISSING, self.USAGE)
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
            raise usage(self.NAME, self.MISSING, self.USAGE)
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


def report_writes(writes):
    """Prints what py-hook-exec wrote; raises GdbError naming what it could not."""
    missed = []
    for item in writes:
        if isinstance(item, tuple):
            missed.append(item)
        else:
            gdb.write(view.variable_line(item) + "\n")
    if missed:
        raise fail("STMT ran, but %s: %s" % (
            "this name was not written back" if len(missed) == 1 else
            "%d names were not written back" % len(missed),
            "; ".join("%s: %s" % (view.printable(n), view.printable(r)) for n, r in missed)))


class PyHookExec(PyHookEval):
    """Execute Python statements in a Python frame, writing rebound variables back.

Usage: py-hook-exec [--frame N] [--force] STMT
STMT  the rest of the line: Python statements ('a, b = b, a', several
      separated by ';', or a compound one on one line: 'for k in d: d[k] += 1'),
      run in the frame selected with py-hook-frame, when the command runs.
      - A variable of the frame that STMT rebinds is written back into it, as
        py-hook-set writes it: the running code sees the new value.
      - Attribute and item assignments, and calls, act on the program's own
        objects.
      - A new name (tmp = ..., import re) goes to the frame's scratch names:
        later py-hook-eval, py-hook-exec and py-hook-set calls on that frame
        see it, the program never does.  Only a name STMT declares
        'global' is stored in the program's globals.
      Each name written is printed with where it went (arg, local, cell,
      free, global, scratch).  print() writes to the program's stdout.  An
      exception is the command's error, with its traceback; what STMT did
      before it stands, and nothing is written back.
--frame N  run in frame N instead of the selected one.
--force    call into the thread even where py-hook finds it unsafe; see
           py-hook-bt."""

    NAME = "py-hook-exec"
    USAGE = "py-hook-exec [--frame N] [--force] STMT"
    MISSING = "STMT is missing"

    def invoke(self, arg, from_tty):
        index, force, statements = self._parse(arg)
        if index is None:
            index = selection.get()
        report_writes(snapshot.execute(index, statements, declared_global(statements), force))


class PyEvalFunction(gdb.Function):
    """$py_eval("EXPR"[, N]): a Python expression's value, for gdb.

EXPR is evaluated as py-hook-eval evaluates it, in the innermost Python
frame of the selected thread (frame N with a second argument; a breakpoint
condition runs before py-hook-frame could select one).  The value comes back
to gdb as an int, a float, a bool (1 or 0) or a string; any other type is
an error that says to convert it.  It obeys py-hook's safety rules: where
py-hook may not call into the thread, or EXPR raises, the function is an
error, so a breakpoint condition using it stops with that error:
    break write if $py_eval("len(buf) > 100")
In a program of more than one thread a condition cannot use it (gdb 13
hangs after a call made from Python during a condition there): it is
refused, and gdb stops at the breakpoint."""

    def __init__(self):
        super().__init__("py_eval")

    def invoke(self, expr=None, index=None, *more):
        if expr is None or more:
            raise fail('$py_eval takes EXPR and an optional frame number: $py_eval("len(buf)") '
                       'or $py_eval("x", 2)')
        try:
            text = expr.string()
        except gdb.error:
            raise fail('$py_eval: EXPR must be a string in double quotes: $py_eval("len(buf)")')
        frame = 0
        if index is not None:
            if index.type.strip_typedefs().code not in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_BOOL):
                raise fail("$py_eval: the frame number must be an integer, not %s" % index)
            frame = int(index)
            if frame < 0:
                raise fail("$py_eval: the frame number must be 0 or more")
        if assigned_by(text):
            raise fail("$py_eval: EXPR assigns %s with ':='; use py-hook-set"
                       % view.printable(assigned_by(text)))
        _refuse_threaded_condition()
        value = snapshot.evaluate(frame, text, limit=abi.HOOK_VALUE_LIMIT_MAX)
        return gdb_value(value)


def _refuse_threaded_condition():
    """gdb 13 hangs for good after a call made from Python while it tests a
    breakpoint's condition in a process of several threads: the thread that
    hit the breakpoint is resumed alone afterwards, while the others stay
    stopped (observed with any call, py-hook's or not; a condition written
    in gdb's own language is not affected).  So that case is refused: the
    condition is an error, and gdb stops at the breakpoint."""
    thread = gdb.selected_thread()
    if thread is None or not thread.is_running():
        return  # an ordinary stop, not a condition
    count = len(gdb.selected_inferior().threads())
    if count > 1:
        raise fail("$py_eval cannot call into a program of %d threads while gdb tests a "
                   "breakpoint condition: gdb 13 would lose the other threads and hang; gdb "
                   "stops at the breakpoint instead: use py-hook-eval there (or a condition "
                   "in gdb's own language)" % count)


def gdb_value(value):
    """VALUE (a Variable from snapshot.evaluate) as a gdb.Value."""
    kind = value.type_name
    if value.cut:
        raise fail("$py_eval: EXPR's value is over %d characters long" % abi.HOOK_VALUE_LIMIT_MAX)
    try:
        if kind == "bool":
            return gdb.Value(1 if value.value == "True" else 0)
        if kind == "int":
            if not value.value.lstrip("-").isdigit():
                raise fail("$py_eval: EXPR's int is too large to convert (%s); compare it in "
                           "EXPR instead" % value.value[:60])
            number = int(value.value)
            if not -2**63 <= number < 2**63:
                raise fail("$py_eval: %s does not fit gdb's 64-bit integers; compare it in EXPR "
                           "instead" % value.value[:40])
            return gdb.Value(number)
        if kind == "float":
            return gdb.Value(float(value.value))
        if kind == "str":
            text = ast.literal_eval(value.value)
            if "\0" in text:
                raise fail("$py_eval: EXPR's str holds a NUL character, which a gdb string "
                           "cannot hold")
            return gdb.Value(text)
    except (ValueError, SyntaxError):
        pass
    raise fail("$py_eval: EXPR's value is of type %s; $py_eval returns int, float, bool or str, "
               "so convert it in EXPR: int(...), float(...), bool(...) or str(...)"
               % view.printable(kind))


class PyHookRepl(gdb.Command):
    """Open an interactive Python prompt on a Python frame of the stopped program.

Usage: py-hook-repl [--frame N] [--readonly] [--force]
Each input runs in the frame selected with py-hook-frame (or frame N), as
py-hook-eval and py-hook-exec run it: an expression's repr() is printed,
statements run, with multi-line statements, history and Tab completion of
names and attributes.  A variable of the frame the session rebinds is
written back into the frame (they are listed when the REPL ends); new names
stay in the frame's scratch namespace.  --readonly keeps every name bound
in a session of its own, dropped at the end: nothing is written back.
Ctrl-D, exit(), quit() and raise SystemExit end the REPL, never the
program.  Ctrl-C drops the line being typed, or interrupts a running
statement safely.  print() writes to the program's stdout."""

    USAGE = "py-hook-repl [--frame N] [--readonly] [--force]"

    def __init__(self):
        super().__init__("py-hook-repl", gdb.COMMAND_DATA)

    def complete(self, text, word):
        if word is None:
            return gdb.COMPLETE_NONE  # gdb 14+ asks first for word-break characters
        before = text[:len(text) - len(word)].split()
        if before and before[-1] == "--frame":
            return complete.frame_numbers(word)
        return complete.options(text, word, ("--frame", "--readonly", "--force"))

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        index, readonly, force = None, False, False
        while argv:
            word = argv.pop(0)
            if word == "--frame":
                if not argv:
                    raise usage("py-hook-repl", "--frame needs a frame number", self.USAGE)
                index = args.frame_number(argv.pop(0), "py-hook-repl", self.USAGE)
            elif word == "--readonly":
                readonly = True
            elif word == "--force":
                force = True
            else:
                raise usage("py-hook-repl", "unknown argument %s" % view.printable(repr(word)),
                            self.USAGE)
        if index is None:
            index = selection.get()
        # The call path must be open before a prompt is offered: a refusal
        # (another thread holds the GIL, a core file) is the command's error.
        snapshot.evaluate(index, "None", force)
        repl.Repl(index, readonly, force).run()


COMMANDS = (PyHookEval, PyHookPrint, PyHookExec, PyHookRepl)
FUNCTIONS = (PyEvalFunction,)
