"""py-hook-repl: an interactive Python prompt on a frame of the stopped program.

Each complete input goes to the program as one call, with the safety rules
of every call: an expression through py-hook-eval's path (its repr() is
printed, as Python's own REPL prints it), statements through
py-hook-exec's.  So a variable of the frame rebound at the prompt is
written into the frame as the statement runs (the program is stopped: it
sees the value when it continues, as if written at the end), new names
live in the frame's scratch namespace, and the REPL lists the frame's
variables it changed when it ends.  With --readonly every name bound goes
to a session overlay in the program instead, which the REPL drops when it
ends: the frame, its globals and its scratch names stay as they were
(objects mutated in place stay mutated: that is what the code asked).

The REPL ends at Ctrl-D, exit(), quit() or an uncaught SystemExit, and
never ends the program: exit and quit are py-hook's own there (scratch.c).
Ctrl-C at the prompt drops the line; during a statement, py-hook's call
machinery interrupts it safely, and the prompt comes back.
"""

import ast
import codeop
import re
import warnings

import gdb

from . import complete, lineedit, snapshot, view
from .errors import TRACEBACK_HEAD, PyHookError
from .pysource import declared_global

BANNER = "Hooked at %s:%d in %s() - exit with Ctrl-D"


def _is_exit_call(source):
    """Whether SOURCE is just exit(...) or quit(...)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr) and \
        isinstance(tree.body[0].value, ast.Call) and \
        isinstance(tree.body[0].value.func, ast.Name) and \
        tree.body[0].value.func.id in ("exit", "quit")


def _as_traceback(message):
    """A py-hook error about EXPR raising, as Python's REPL shows one:
    'Traceback (most recent call last):', the frames, then 'Type: text'.
    Any other error as it is, without the 'py-hook: ' prefix."""
    if message.startswith("py-hook: "):
        message = message[len("py-hook: "):]
    head, _, rest = message.partition(TRACEBACK_HEAD)
    m = re.match(r"(?:EXPR|STMT) raised: (.*) \[HOOK_ERR_EXPR_RAISED\]$", head, re.S)
    if not m:
        return message
    frames = [line for line in rest.split("\n") if line]
    return "\n".join(["Traceback (most recent call last):"] + frames + [m.group(1)])


def _is_expression(source):
    try:
        ast.parse(source, mode="eval")
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _complete(source):
    """Whether SOURCE is a whole input (Python's REPL rules, by gdb's
    Python): an error counts as whole, for the program's compiler to
    report."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return codeop.compile_command(source, "<py-hook>", "single") is not None
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
        return True


class Repl:
    def __init__(self, index, readonly, force=False):
        self.index, self.readonly, self.force = index, readonly, force
        self.changed = {}   # frame variables and globals written: name -> Variable
        self.scratch = set()  # names bound at the prompt, for completion

    def _names(self, line, word):
        found = complete.names(line, word, self.index)
        if not line[:len(line) - len(word)].rstrip().endswith("."):
            # A name, not an attribute: the names bound at this prompt too.
            found += [n for n in self.scratch if n.startswith(word)]
        return sorted(set(found))

    def run(self):
        frame = snapshot.frame(self.index)
        gdb.write(BANNER % (view.printable(frame.filename), frame.line,
                            view.printable(frame.function)) + "\n")
        if self.readonly:
            gdb.write("(read-only: names bound here are dropped when the REPL ends)\n")
        editor = lineedit.Editor(self._names) if lineedit.available() else lineedit.Plain()
        try:
            with editor.session():
                self._loop(editor)
        finally:
            self._end()

    def _loop(self, editor):
        buffer = []
        while True:
            try:
                line = editor.read("... " if buffer else ">>> ")
            except EOFError:
                return
            except KeyboardInterrupt:
                gdb.write("KeyboardInterrupt\n")
                buffer = []
                continue
            buffer.append(line)
            source = "\n".join(buffer)
            if not source.strip():
                buffer = []
                continue
            if not _complete(source):
                continue
            buffer = []
            if _is_exit_call(source):
                return
            if not self._run(source):
                return

    def _run(self, source):
        """Runs one input; returns False when it ends the REPL."""
        try:
            if _is_expression(source):
                value = snapshot.evaluate(self.index, source, self.force, session=self.readonly)
                if value.type_name != "NoneType":
                    gdb.write(view.printable(value.value) + ("..." if value.cut else "") + "\n")
                return True
            writes = snapshot.execute(self.index, source, declared_global(source), self.force,
                                      session=self.readonly)
        except KeyboardInterrupt:
            gdb.write("KeyboardInterrupt\n")
            return True
        except PyHookError as e:
            text = _as_traceback(str(e))
            gdb.write(text + "\n")
            if text.split("\n")[-1].startswith("SystemExit"):
                return False
            # The program is gone (the statement ended it): no prompt on it.
            return gdb.selected_inferior().pid != 0
        for item in writes:
            if isinstance(item, tuple):
                gdb.write("not written back: %s: %s\n" % (view.printable(item[0]),
                                                          view.printable(item[1])))
            elif item.kind in ("scratch", "session"):
                self.scratch.add(item.name)
            else:
                self.changed[item.name] = item
        return True

    def _end(self):
        if self.readonly:
            try:
                snapshot.end_session(self.index)
            except PyHookError:
                pass  # the program ended: nothing left to drop
            gdb.write("py-hook-repl: read-only session ended; nothing was written back\n")
            return
        if self.changed:
            gdb.write("py-hook-repl: written back to the frame:\n")
            for variable in self.changed.values():
                gdb.write("    " + view.variable_line(variable) + "\n")
        else:
            gdb.write("py-hook-repl: no variable of the frame was changed\n")
