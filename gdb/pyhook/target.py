"""Read-only questions about the target: is there a stopped process, where
is a symbol, is the helper loaded.  Nothing here writes to the target or
calls into it; every other module may import this one.
"""

import os
import re

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


_symbols = None
_symbols_key = None
# A line of 'maint print msymbols': "[  12] T 0x4f9e60 PyEval_EvalCode section .text ...".
_MSYMBOL = re.compile(r"^\[\s*\d+\] (\S) (0x[0-9a-f]+) (\S+)")


def _objfile_symbols(objfile):
    """({name: address} of OBJFILE's global minimal (ELF) symbols,
    {name: address} of its local ones), PLT stubs left out; None when gdb
    cannot list them."""
    # No Python API lists minimal symbols in gdb 13; this dump is the one
    # way that reads no debug information (a lookup through the
    # expression evaluator expands the compilation unit that defines the
    # name: 30 ms a name with python3.14-dbg, 0.4 s for getpid with
    # libc6-dbg).
    try:
        text = gdb.execute('maint print msymbols -objfile "%s"' % objfile.filename,
                           to_string=True)
    except gdb.error:
        return None
    table, local = {}, {}
    for line in text.splitlines():
        m = _MSYMBOL.match(line)
        if m is None:
            continue
        kind, address, name = m.groups()
        if kind in "Ss":
            continue  # a PLT stub ("solib trampoline"), not the symbol itself
        target = table if kind.isupper() else local
        target.setdefault(name, int(address, 16))
    return table, local


class _Symbols:
    """The minimal symbols of the loaded objfiles, each objfile's read when
    a lookup first reaches it, in gdb's order (the program first).
    Separate debug files are left out: they repeat their owner's symbols
    and add the static ones (20,000 for python3.11-dbg, a tenth of a
    second to list), and every name py-hook looks up is one the stripped
    file exports, as the runs without debug symbols show."""

    def __init__(self):
        self.objfiles = [o for o in gdb.objfiles()
                         if o.is_valid() and o.owner is None and o.filename]
        self.read = []  # (globals, locals) of objfiles[:len(self.read)]
        self.failed = False

    def _tables(self):
        for tables in self.read:
            yield tables
        while len(self.read) < len(self.objfiles):
            tables = _objfile_symbols(self.objfiles[len(self.read)])
            if tables is None:
                self.failed = True
                tables = ({}, {})
            self.read.append(tables)
            yield tables

    def get(self, name):
        """NAME's address, a global symbol before a local one, or None."""
        for table, _ in self._tables():
            if name in table:
                return table[name]
        for _, local in self.read:
            if name in local:
                return local[name]
        return None


def symbol_address(name):
    """Address of symbol NAME in the target (minimal symbols suffice), or None.

    From the minimal symbols of the loaded objfiles, each read once per
    process image and set of objfiles; the expression evaluator only when
    gdb could not list an objfile's (then a name found nowhere costs a
    search of the debug information)."""
    global _symbols, _symbols_key
    inferior = gdb.selected_inferior()
    key = (inferior.pid, _epoch, len(gdb.objfiles()))
    if key != _symbols_key:
        _symbols = _Symbols()
        _symbols_key = key
    address = _symbols.get(name)
    if address is not None or not _symbols.failed:
        return address
    try:
        return int(gdb.parse_and_eval("(unsigned long) &%s" % name))
    except gdb.error:
        return None


def helper_objfile():
    """File name of the helper loaded in the selected process, or None."""
    for objfile in gdb.objfiles():
        if objfile.is_valid() and os.path.basename(objfile.filename or "").startswith(LIBRARY):
            return objfile.filename
    return None
