"""py-hook-save, py-hook-load: a frame's value pickled to a file, and back.

The program itself pickles and opens the file (through py-hook-eval's and
py-hook-set's calls), so values of any size go straight to disk without
passing through gdb, and with the program's classes at hand for loading.
FILE is made absolute against gdb's working directory first: the program's
own may differ.
"""

import os
import re
import shlex

import gdb

from . import selection, snapshot, view
from .cmd_eval import PyHookEval
from .cmd_locals import assigned_by, set_value
from .errors import PyHookError, fail, usage

# The pickle protocol every supported CPython (3.11 to 3.15) reads: a file saved
# by one interpreter loads in another.
PROTOCOL = 5

# What the program runs, in a namespace of its own (so no name of the frame
# can take the place of 'open' or 'pickle' there, and nothing it binds is
# left behind): VALUE pickled into a temporary file made beside FILE (or
# beside what FILE links to), given FILE's mode, and renamed over it; on
# any failure the temporary file is removed and FILE is as it was.
_SAVE = """
import os, pickle, tempfile
data = pickle.dumps(value, protocol=%d)
target = os.path.realpath(path)
fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target),
                           prefix="." + os.path.basename(target) + ".", suffix=".py-hook-tmp")
try:
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    try:
        os.chmod(tmp, os.stat(target).st_mode & 0o7777)
    except FileNotFoundError:
        pass
    os.replace(tmp, target)
except BaseException:
    try:
        os.unlink(tmp)
    except OSError:
        pass
    raise
size = len(data)
""" % PROTOCOL

_LOAD = """
import pickle
with open(path, "rb") as f:
    value = pickle.load(f)
"""

# Runs SOURCE (the program's own exec) in a fresh dict holding NAMES, and
# evaluates to the dict's RESULT: one expression, for py-hook-eval's and
# py-hook-set's paths.  Builtins come through __py_hook_builtins__, which the
# helper puts in every EXPR's namespace.
_RUN = ("(lambda d: (__py_hook_builtins__['exec'](%r, d), d[%r])[1])"
        "({'__builtins__': __py_hook_builtins__, %s})")


def _run(source, result, **names):
    return _RUN % (source, result, ", ".join("%r: (%s)" % kv for kv in names.items()))


def _split_file(command, text, usage_line):
    """(NAME, FILE) from 'NAME FILE': FILE is the last word, or a quoted
    string at the end of the line."""
    text = text.strip()
    m = re.search(r"""(?:^|\s)("(?:[^"\\]|\\.)*"|'[^']*'|\S+)$""", text)
    if not m or not text[:m.start(1)].strip():
        raise usage(command, "NAME and FILE are both needed", usage_line)
    name, word = text[:m.start(1)].strip(), m.group(1)
    if word[0] in "\"'":
        try:
            word = shlex.split(word)[0]
        except ValueError:
            raise usage(command, "FILE %s is not quoted properly" % view.printable(word),
                        usage_line)
    if not word:
        raise usage(command, "FILE is empty", usage_line)
    return name, os.path.abspath(os.path.expanduser(word))


def _context(command, error, what):
    """ERROR (a PyHookError from the call) with WHAT said first."""
    text = str(error)
    if text.startswith("py-hook: "):
        text = text[len("py-hook: "):]
    if text.startswith(command + ":"):
        return error  # a usage error says it all
    return fail("%s: %s: %s" % (command, what, text))


class _FileCommand(PyHookEval):
    """What py-hook-save and py-hook-load share: [--frame N] [--force] NAME FILE."""

    MISSING = "NAME and FILE are missing"

    def _name_file(self, arg):
        """(frame index, --force given, NAME, absolute FILE)."""
        index, force, rest = self._parse(arg)
        name, path = _split_file(self.NAME, rest, self.USAGE)
        return selection.get() if index is None else index, force, name, path


class PyHookSave(_FileCommand):
    """Pickle a value of a Python frame to a file.

Usage: py-hook-save [--frame N] [--force] NAME FILE
NAME  a variable of the frame, or any expression (self.cache, d['k']).
FILE  where to write, made absolute against gdb's working directory; the
      program writes it, with its permissions, through a temporary file
      beside it renamed into place: a failed save leaves FILE as it was and
      no temporary file behind.  An existing FILE keeps its mode (a new one
      is readable by its owner only); a symbolic link is followed.  Quote a
      FILE with blanks in it.
The value is pickled with protocol 5 by the program's own pickle module,
so the program's classes are saved by reference, as pickle does.  Load
it back, in this run or a later one, with py-hook-load."""

    NAME = "py-hook-save"
    USAGE = "py-hook-save [--frame N] [--force] NAME FILE"
    def invoke(self, arg, from_tty):
        index, force, name, path = self._name_file(arg)
        if assigned_by(name):
            raise usage(self.NAME, "NAME assigns with ':='", self.USAGE)
        expr = _run(_SAVE, "size", value="\n%s\n" % name, path=repr(path))
        try:
            size = snapshot.evaluate(index, expr, force)
        except PyHookError as e:
            raise _context(self.NAME, e, "%s was not saved to %s" % (view.printable(name),
                                                                    view.printable(path)))
        gdb.write("saved %s to %s (%s bytes, pickle protocol %d)\n"
                  % (view.printable(name), view.printable(path), size.value, PROTOCOL))


class PyHookLoad(_FileCommand):
    """Load a pickled value from a file into a variable of a Python frame.

Usage: py-hook-load [--frame N] [--force] NAME FILE
NAME  a variable of the frame (as for py-hook-set), or an attribute or item.
FILE  a file py-hook-save wrote (or any pickle), made absolute against gdb's
      working directory; the program reads and unpickles it.  Unpickling
      runs code the file names: load only files you trust.
The program sees the loaded value when it continues, as after py-hook-set.
A value of another type than NAME holds now is loaded with a warning."""

    NAME = "py-hook-load"
    USAGE = "py-hook-load [--frame N] [--force] NAME FILE"
    def invoke(self, arg, from_tty):
        index, force, name, path = self._name_file(arg)
        try:
            before = snapshot.evaluate(index, "__py_hook_builtins__['type'](\n%s\n).__name__"
                                       % name, force).value
        except PyHookError:
            before = None  # unbound, or not there yet: nothing to compare
        load = _run(_LOAD, "value", path=repr(path))
        try:
            line, stored = set_value(index, name, load, force, self.NAME, self.USAGE)
        except PyHookError as e:
            raise _context(self.NAME, e, "%s was not loaded from %s" % (view.printable(name),
                                                                       view.printable(path)))
        gdb.write("loaded %s from %s\n%s\n" % (view.printable(name), view.printable(path), line))
        if before is not None and before.strip("'") != stored.type_name:
            gdb.write("warning: %s held a value of type %s; the value loaded into it is of type %s\n"
                      % (view.printable(name), view.printable(before.strip("'")),
                         view.printable(stored.type_name)))


COMMANDS = (PyHookSave, PyHookLoad)
