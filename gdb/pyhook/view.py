"""How frames, variables and source lines are printed.

Every piece of text that comes from the program (names, values, file and
function names, source lines) goes through printable() first: a name such
as "b\nfake = 'SPOOF'" must not forge a line of output, and no escape
sequence may reach the user's terminal.
"""

import os
import unicodedata

import gdb

# Characters shown escaped: control characters (C0, DEL, C1), the format
# characters that reorder or hide text (bidirectional overrides,
# zero-width), and lone surrogates, which no terminal can be sent.
_ESCAPED_CATEGORIES = ("Cc", "Cf", "Cs")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def printable(text):
    """TEXT with every control or format character written as an escape."""
    if text.isprintable():
        return text
    out = []
    for c in text:
        if c in _NAMED:
            out.append(_NAMED[c])
        elif unicodedata.category(c) in _ESCAPED_CATEGORIES:
            code = ord(c)
            out.append("\\x%02x" % code if code < 0x100 else
                       "\\u%04x" % code if code < 0x10000 else "\\U%08x" % code)
        else:
            out.append(c)
    return "".join(out)


def frame_line(frame):
    return "#%-2d %s:%d in %s" % (frame.index, printable(frame.filename), frame.line,
                                  printable(frame.function))


def variable_line(variable):
    name = printable(variable.name)
    if variable.unbound:
        return "%s = <unbound>  (%s)" % (name, variable.kind)
    details = printable(variable.type_name)
    if variable.length is not None:
        details += ", len %d" % variable.length
    if variable.kind != "local":
        details += ", " + variable.kind
    value = printable(variable.value)
    if variable.cut:
        value += "..."
    return "%s = %s  (%s)" % (name, value, details)


# In a module frame, what --globals adds: the names a module defines or
# imports rather than computes (a pydoc stop listed over 100 of them).
_DEFINITIONS = ("module", "function", "builtin_function_or_method", "type")


def _definition(variable):
    name = variable.name
    return (name.startswith("__") and name.endswith("__") and len(name) > 4) or \
        variable.type_name in _DEFINITIONS or variable.value.startswith("<class '")


def variables_text(frame, indent="", all_globals=True):
    """FRAME's variables, one a line.  Without ALL_GLOBALS a module frame's
    modules, functions, classes and __dunder__ names are counted, not listed."""
    out = []
    if frame.note:
        out.append("%s(variables not shown: %s)\n" % (indent, printable(frame.note)))
    elif not frame.variables:
        out.append("%s(no variables)\n" % indent)
    shown = frame.variables
    if not all_globals and frame.function == "<module>":
        shown = [v for v in frame.variables if not _definition(v)]
    for variable in shown:
        out.append("%s%s\n" % (indent, variable_line(variable)))
    hidden = len(frame.variables) - len(shown)
    if hidden:
        out.append("%s(%d more: modules, functions, classes and __dunder__ names; --globals "
                   "lists them)\n" % (indent, hidden))
    return "".join(out)


def value_line(variable):
    """A value py-hook-eval reports: its repr, then (type[, len N])."""
    details = printable(variable.type_name)
    if variable.length is not None:
        details += ", len %d" % variable.length
    value = printable(variable.value) + ("..." if variable.cut else "")
    return "%s  (%s)" % (value, details)


def print_variables(frame, indent="", all_globals=True):
    gdb.write(variables_text(frame, indent, all_globals))


def source_path(filename):
    """Where the source file of a frame's co_filename is, as best known."""
    if os.path.isabs(filename):
        return filename
    # A relative co_filename is relative to the program's working directory
    # when the module was loaded; the current one is the best guess left.
    pid = gdb.selected_inferior().pid
    for base in ("/proc/%d/cwd" % pid, os.getcwd()):
        candidate = os.path.join(base, filename)
        if os.path.exists(candidate):
            return candidate
    return filename


def source_line(frame):
    """The frame's current source line, or a note why it is not available."""
    path = source_path(frame.filename)
    try:
        with open(path, "rb") as f:
            for number, text in enumerate(f, 1):
                if number == frame.line:
                    return "%d\t%s" % (number, printable(
                        text.decode("utf-8", "replace").rstrip("\r\n")))
    except OSError as e:
        return "(source not available: %s: %s)" % (printable(frame.filename), e.strerror)
    return "(source not available: %s has no line %d)" % (printable(frame.filename), frame.line)


def print_hooked_at(frame):
    gdb.write("Hooked at %s:%d in %s()\n" % (printable(frame.filename), frame.line,
                                              printable(frame.function)))
    gdb.write(source_line(frame) + "\n")
