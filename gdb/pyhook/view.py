"""How frames, variables and source lines are printed."""

import os

import gdb


def frame_line(frame):
    return "#%-2d %s:%d in %s" % (frame.index, frame.filename, frame.line, frame.function)


def variable_line(variable):
    if variable.unbound:
        return "%s = <unbound>  (%s)" % (variable.name, variable.kind)
    details = [variable.type_name]
    if variable.length is not None:
        details.append("len %d" % variable.length)
    if variable.kind != "local":
        details.append(variable.kind)
    value = variable.value + ("..." if variable.cut else "")
    return "%s = %s  (%s)" % (variable.name, value, ", ".join(details))


def print_variables(frame, indent=""):
    if frame.note:
        gdb.write("%s(variables not shown: %s)\n" % (indent, frame.note))
    elif not frame.variables:
        gdb.write("%s(no variables)\n" % indent)
    for variable in frame.variables:
        gdb.write("%s%s\n" % (indent, variable_line(variable)))


def _source_path(filename):
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
    path = _source_path(frame.filename)
    try:
        with open(path, "rb") as f:
            for number, text in enumerate(f, 1):
                if number == frame.line:
                    return "%d\t%s" % (number, text.decode("utf-8", "replace").rstrip("\r\n"))
    except OSError as e:
        return "(source not available: %s: %s)" % (frame.filename, e.strerror)
    return "(source not available: %s has no line %d)" % (frame.filename, frame.line)


def print_hooked_at(frame):
    gdb.write("Hooked at %s:%d in %s()\n" % (frame.filename, frame.line, frame.function))
    gdb.write(source_line(frame) + "\n")
