"""Read-only questions about the target: is there a stopped process, where
is a symbol, is the helper loaded.  Nothing here writes to the target or
calls into it; every other module may import this one.
"""

import os

import gdb

from .errors import fail

LIBRARY = "libhookhelper.so"

# Bumped whenever the process's image changes under the same process id
# (exec: gdb clears the objfiles and loads the new program's), so that
# every address or fact cached about the old image is dropped.
_epoch = 0


def epoch():
    return _epoch


def new_image(_event=None):
    global _epoch
    _epoch += 1


def require_stopped_process():
    """(inferior, thread) of the selected stopped process, or raises PyHookError."""
    inferior = gdb.selected_inferior()
    if inferior is None or inferior.pid == 0:
        raise fail(
            "there is no process: start the program with 'run' or attach to one with "
            "'attach PID' first"
        )
    thread = gdb.selected_thread()
    if thread is None or not thread.is_valid():
        raise fail("no thread is selected: select one with 'thread N'")
    if thread.is_running() and not _stopped_underneath():
        raise fail(
            "thread %d is running: stop it first (interrupt, or a breakpoint)" % thread.num
        )
    return inferior, thread


def _stopped_underneath():
    """Whether the selected thread, which gdb reports running, is stopped
    for gdb itself: it is while gdb tests a breakpoint's condition
    ($py_eval in 'break write if ...'), and then its frames can be read."""
    try:
        gdb.selected_frame()
        return True
    except gdb.error:
        return False


def is_core():
    """Whether the selected inferior is a core file (nothing can be called
    or changed there; memory can be read)."""
    inferior = gdb.selected_inferior()
    connection = getattr(inferior, "connection", None)
    return connection is not None and connection.type == "core"


def require_live(what):
    """Raises PyHookError when the target is a core file; WHAT names the action."""
    if is_core():
        raise fail(
            "this is a core file, a snapshot of process %d: %s needs a running process, since "
            "py-hook calls into it; run the program (or attach to it) to do that.  "
            "py-hook-status, py-hook-bt, py-hook-frame and py-hook-locals read the "
            "snapshot's memory" % (gdb.selected_inferior().pid, what),
            "this is a core file")


def process_alive(inferior):
    return inferior.is_valid() and inferior.pid != 0


_symbols = {}
_symbols_key = None


def symbol_address(name):
    """Address of symbol NAME in the target (minimal symbols suffice), or None.

    Cached per process image and set of loaded objfiles: a lookup through
    the expression evaluator can expand a large debug-information file
    (seconds for python3.11-dbg's), and the same names are asked again at
    every command."""
    global _symbols_key
    inferior = gdb.selected_inferior()
    key = (inferior.pid, _epoch, len(gdb.objfiles()))
    if key != _symbols_key:
        _symbols.clear()
        _symbols_key = key
    if name in _symbols:
        return _symbols[name]
    try:
        address = int(gdb.parse_and_eval("(unsigned long) &%s" % name))
    except gdb.error:
        address = None
    _symbols[name] = address
    return address


def helper_objfile():
    """File name of the helper loaded in the selected process, or None."""
    for objfile in gdb.objfiles():
        if objfile.is_valid() and os.path.basename(objfile.filename or "").startswith(LIBRARY):
            return objfile.filename
    return None
