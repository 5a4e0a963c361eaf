"""py-hook-locals, py-hook-set."""

import ast
import keyword
import re
import unicodedata

import gdb

from . import args, complete, model, selection, snapshot, view
from .errors import usage


class PyHookLocals(gdb.Command):
    """Show the variables of a Python frame.

Usage: py-hook-locals [N] [--globals] [--memory | --force]
       py-hook-locals [N] --of VAR [--memory | --force]
       py-hook-locals --task NAME [LEVEL] [--memory | --force]
N is a frame number from py-hook-bt; without it, the frame selected with
py-hook-frame (0 at first).  --of VAR shows instead the frame of the
suspended generator, coroutine or async generator held in variable VAR of
that frame (VAR is read without running code).  --task NAME shows level
LEVEL (0 at first: the task's coroutine) of the await chain of the asyncio
task NAME, or 0xADDRESS, as py-hook-tasks lists it.  --globals, --memory,
--force: as for py-hook-bt (where py-hook cannot call into the thread, the
variables are read from memory, and a line says so).  One variable per
line, in definition order (arguments, locals, cell and free variables):
    NAME = VALUE  (TYPE[, len N][, arg|cell|free])
Values are rendered without running any of the program's code (see
docs/architecture.md, "How values are shown"); long ones are cut at
'py-hook value-limit' characters and end in '...'."""

    USAGE = ("py-hook-locals [N] [--globals] [--memory | --force] | py-hook-locals [N] --of VAR "
             "| py-hook-locals --task NAME [LEVEL]")

    def __init__(self):
        super().__init__("py-hook-locals", gdb.COMMAND_DATA)

    def complete(self, text, word):
        if word is None:
            return gdb.COMPLETE_NONE  # gdb 14+ asks first for word-break characters
        if complete.option_token(text) is not None:
            return complete.options(text, word, ("--globals", "--memory", "--force", "--of",
                                                 "--task"))
        return complete.frame_numbers(word)

    def invoke(self, arg, from_tty):
        arg, of = _take_option(arg, "--of", "py-hook-locals", self.USAGE)
        arg, task = _take_option(arg, "--task", "py-hook-locals", self.USAGE)
        if of is not None and task is not None:
            raise usage("py-hook-locals", "--of and --task exclude each other", self.USAGE)
        default = 0 if task is not None else selection.get()
        index, given = args.optional_number(arg, "py-hook-locals", self.USAGE, default,
                                            what="level" if task is not None else "frame number",
                                            flags=("--globals",))
        force, memory = "--force" in given, "--memory" in given
        with model.listing():
            if task is not None:
                found, frame = snapshot.task_frame(task, index, True, force, memory)
                gdb.write('%s  (level %d of task "%s")\n' % (
                    view.frame_line(frame), index, view.printable(found.name)))
            elif of is not None:
                frame = snapshot.generator_frame(index, of, True, force, memory)
                gdb.write("%s  (suspended in %s)\n" % (view.frame_line(frame),
                                                      view.printable(of)))
            else:
                frame = snapshot.frame(index, with_locals=True, force=force, memory=memory)
            view.print_variables(frame, all_globals="--globals" in given)


_OPTION_NEEDS = {
    "--of": "the name of a variable holding a generator, coroutine or async generator",
    "--task": "the name of an asyncio task (or its address, 0x...), as py-hook-tasks lists it",
}


def _take_option(arg, option, command, usage_line):
    """ARG without its 'OPTION VALUE', and VALUE (None when not given).
    VALUE is the next word, or a text in single or double quotes ("worker
    1", '--odd'), read as py-hook-set reads it: no escapes."""
    m = re.search(r"(^|\s)%s(?=\s|$)" % re.escape(option), arg)
    if m is None:
        return arg, None
    value, end = _option_value(arg[m.end():])
    if value is None or (option == "--of" and not value.isidentifier()) or \
            (option == "--task" and end is not None and not _was_quoted(arg[m.end():]) and
             value.startswith("--")):
        raise usage(command, "%s needs %s" % (option, _OPTION_NEEDS[option]), usage_line)
    return (arg[:m.start()] + " " + arg[m.end() + end:]).strip(), value


def _option_value(text):
    """(the value at the start of TEXT: a quoted text or a word, the length
    of TEXT it took), or (None, None)."""
    m = _QUOTED.match(text) or _TOKEN.match(text)
    if not m:
        return None, None
    return next(g for g in m.groups() if g is not None), m.end()


def _was_quoted(text):
    return _QUOTED.match(text) is not None


def _no_equals(name, expr, usage_line):
    """A usage error for 'NAME = EXPR', 'NAME=EXPR' and the like, with the
    command to type instead."""
    left, sep, right = name.partition("=")
    if sep and left.isidentifier() and not right.startswith("="):
        rest = (right + " " + expr).strip()
    elif expr.startswith("=") and not expr.startswith("==") and name.isidentifier():
        left, rest = name, expr[1:].strip()
    else:
        return
    raise usage("py-hook-set", "write NAME and EXPR without '=' between them: py-hook-set %s %s"
                % (view.printable(left), view.printable(rest) or "EXPR"), usage_line)


def _target(text):
    """The assignment target TEXT is, as Python parses it (an ast node), if
    it is an attribute, an item or a tuple or list of targets; else None."""
    try:
        tree = ast.parse(text + " = None", mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign) or \
            len(tree.body[0].targets) != 1:
        return None
    target = tree.body[0].targets[0]
    return None if isinstance(target, ast.Name) else target


def _expression(text):
    """Whether TEXT parses as a Python expression."""
    try:
        ast.parse(text, mode="eval")
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _bound_names(target):
    """The variables assigning to TARGET would bind (bare names in it)."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _bound_names(element)]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    return []


def _python_name(name, usage_line, command="py-hook-set"):
    """NAME as Python's compiler reads it (NFKC-normalised: '𝐱' is 'x'), or
    a usage error when it cannot name a variable."""
    if not name.isidentifier():
        raise usage(command, "%s is not a Python identifier; NAME must be a variable "
                    "name" % view.printable(repr(name)), usage_line)
    normal = unicodedata.normalize("NFKC", name)
    if keyword.iskeyword(normal):
        raise usage(command, "%r is a Python keyword, not a variable name" % normal,
                    usage_line)
    return normal


def assigned_by(expr):
    """The name EXPR assigns with ':=' in the frame's own scope (not inside a
    lambda), or None.  EXPR that gdb's Python cannot parse goes on to the
    target's compiler, which reports what is wrong with it."""
    try:
        tree = ast.parse(expr, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.NamedExpr):
            return node.target.id
        if not isinstance(node, ast.Lambda):
            todo.extend(ast.iter_child_nodes(node))
    return None


# EXPR is Python source and must reach the helper byte for byte, so the line
# is split by hand rather than with gdb.string_to_argv, which eats quotes.
_TOKEN = re.compile(r"\s*(\S+)")
_QUOTED = re.compile(r"""\s*"([^"]*)"|\s*'([^']*)'""")


class PyHookSet(gdb.Command):
    """Assign a Python expression to a variable of a Python frame.

Usage: py-hook-set [--frame N | --of VAR | --task NAME [--level N]] [--force] NAME EXPR
NAME  an argument, local, cell or free variable of the frame (in a module
      frame, any global name); or an attribute or item of an object the
      frame reaches: self.timeout, d['k'], items[0] (then NAME = (EXPR)
      runs in the frame, with the program's __setattr__ or __setitem__,
      and the line printed is NAME read back, with its repr()).
EXPR  the rest of the line: Python source evaluated in the frame, with its
      globals and locals, when the command runs.
--frame N  act on frame N instead of the one selected with py-hook-frame.
--of VAR   act on the frame of the suspended generator, coroutine or async
           generator held in variable VAR of that frame; it sees the new
           value when it resumes.  NAME must be a variable of that frame.
--task NAME  act on the frame at level N (--level, 0 by default: the
           task's coroutine) of the await chain of asyncio task NAME (or
           0xADDRESS; quote a name with blanks), as py-hook-tasks lists it;
           the task sees the new value when it resumes.
--force    call into the thread even where py-hook finds it unsafe; see
           py-hook-bt.
The program sees the new value when it continues; closures that share a
cell see it too.  Prints the value as stored."""

    USAGE = "py-hook-set [--frame N | --of VAR | --task NAME [--level N]] [--force] NAME EXPR"

    def __init__(self):
        super().__init__("py-hook-set", gdb.COMMAND_DATA)

    def _parse(self, arg):
        rest = arg
        index = None
        self.force = False
        self.of = None
        self.task = None
        self.level = None
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
            if word == "--task":
                rest = rest[m.end():]
                value, end = _option_value(rest)
                if value is None or (value.startswith("--") and not _was_quoted(rest)):
                    raise usage("py-hook-set", "--task needs %s" % _OPTION_NEEDS["--task"],
                                self.USAGE)
                self.task = value
                rest = rest[end:]
                continue
            if word == "--level":
                rest = rest[m.end():]
                m = _TOKEN.match(rest)
                if not m:
                    raise usage("py-hook-set", "--level needs a level of the task's await "
                                "chain (0: its coroutine)", self.USAGE)
                self.level = args.frame_number(m.group(1), "py-hook-set", self.USAGE, "level")
                rest = rest[m.end():]
                continue
            if word == "--of":
                rest = rest[m.end():]
                m = _TOKEN.match(rest)
                if not m or not m.group(1).isidentifier():
                    raise usage("py-hook-set", "--of needs the name of a variable holding a "
                                "generator, coroutine or async generator", self.USAGE)
                self.of = m.group(1)
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
            if not name.isidentifier():
                # A target may hold blanks (d['a b'], items[i + 1], a, b):
                # the first split of the line into a target and an
                # expression that both parse.
                line = rest[m.start(1):]
                for cut in [i for i, c in enumerate(line) if c.isspace()]:
                    if _target(line[:cut]) is not None and _expression(line[cut:].strip()):
                        name, expr = line[:cut], line[cut:].strip()
                        break
            if self.level is not None and self.task is None:
                raise usage("py-hook-set", "--level goes with --task", self.USAGE)
            if sum(x is not None for x in (self.task, self.of, index)) > 1:
                raise usage("py-hook-set", "--frame, --of and --task exclude each other",
                            self.USAGE)
            _no_equals(name, expr, self.USAGE)
            if not expr:
                raise usage("py-hook-set", "EXPR is missing after %s" % name, self.USAGE)
            return index, name, expr

    def complete(self, text, word):
        if word is None:
            return gdb.COMPLETE_NONE  # gdb 14+ asks first for word-break characters
        return complete.command_line(text, word)

    def invoke(self, arg, from_tty):
        index, name, expr = self._parse(arg)
        line, _ = set_value(index, name, expr, self.force, of=self.of, task=self.task,
                            level=self.level or 0)
        gdb.write(line + "\n")


def set_value(index, name, expr, force=False, command="py-hook-set", usage_line=PyHookSet.USAGE,
              of=None, task=None, level=0):
    """Stores EXPR's value in NAME (a variable, or an attribute or item
    target) of frame INDEX (None: the selected one), checking both first.
    Returns the line to print and the Variable stored."""
    target = None if name.isidentifier() else _target(name)
    if target is None:
        name = _python_name(name, usage_line, command)
    else:
        bound = _bound_names(target)
        if bound:
            raise usage(command, "NAME %s assigns the variable%s %s: set each variable "
                        "with its own py-hook-set" % (view.printable(name), "s" if len(bound) > 1
                                                        else "", ", ".join(bound)), usage_line)
    walrus = assigned_by(expr)
    if walrus:
        raise usage(command, "EXPR assigns %s with ':=': assignment expressions are "
                    "refused, because CPython 3.13 keeps such a change in the frame and "
                    "3.11 and 3.12 lose it; set each variable with its own py-hook-set"
                    % view.printable(walrus), usage_line)
    if index is None:
        index = selection.get()
    if target is not None and (of is not None or task is not None):
        raise usage(command, "--of and --task take a variable name as NAME", usage_line)
    if task is not None:
        _, found = snapshot.task(task, level)
        address = snapshot.task_gen(found, level, command)
        stored = snapshot.assign(0, name, expr, force=force, obj=address)
        return view.variable_line(stored), stored
    if target is not None:
        stored = snapshot.assign_target(index, name, expr, force=force)
        return "%s = %s" % (view.printable(name), view.value_line(stored)), stored
    stored = snapshot.assign(index, name, expr, force=force, of=of)
    return view.variable_line(stored), stored


COMMANDS = (PyHookLocals, PyHookSet)
