"""Line editing for py-hook-repl: gdb's own readline, borrowed for a while.

gdb is linked with the system's libreadline and drives it through the
callback interface from its event loop.  Python's readline module cannot
be used inside gdb: importing it re-initializes that same library for
Python and leaves gdb's own completion broken.  So the REPL calls the
library through ctypes, the way gdb does, and puts back everything it
changes when it is done:
- the completion functions and word-break characters (gdb's complete gdb
  commands; the REPL's complete Python names, through complete.py);
- the history list: the REPL keeps its own, across REPL sessions, and
  gdb's command history is left untouched;
- the callback handler: gdb installs its own again at its next prompt.
Reading uses select() on stdin and rl_callback_read_char, so Ctrl-C (gdb
turns it into Python's KeyboardInterrupt) cancels the line at once.
Without a terminal (gdb's stdin is a pipe or file), lines are read plain.
"""

import contextlib
import ctypes
import os
import select
import sys

import gdb

_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_ENTRY = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int)
# Python's own word breaks, and '.', so that an attribute completes alone.
_BREAKS = ctypes.create_string_buffer(b" \t\n`~!@#$%^&*()-=+[{]}\\|;:'\",<>/?.")

_lib = None
_libc = None
_history = [None]  # the REPL's HISTORY_STATE between sessions


def _load():
    global _lib, _libc
    if _lib is None:
        lib = ctypes.CDLL("libreadline.so.8")  # the copy gdb has loaded
        libc = ctypes.CDLL(None)
        libc.strdup.restype = ctypes.c_void_p
        libc.strdup.argtypes = [ctypes.c_char_p]
        libc.free.argtypes = [ctypes.c_void_p]
        lib.add_history.argtypes = [ctypes.c_char_p]
        lib.history_get_history_state.restype = ctypes.c_void_p
        lib.history_set_history_state.argtypes = [ctypes.c_void_p]
        lib.rl_callback_handler_install.argtypes = [ctypes.c_char_p, _HANDLER]
        _lib, _libc = lib, libc
    return _lib


def available():
    """Whether lines can be edited: stdin is a terminal and gdb's readline
    library can be reached."""
    try:
        return os.isatty(0) and _load() is not None
    except OSError:
        return False


class Editor:
    """Reads lines with editing, history and COMPLETE(line, word) -> list
    of completions of WORD, LINE being the text up to the cursor."""

    def __init__(self, complete):
        self.complete = complete
        self._matches = []
        self._lines = []
        self._entry = _ENTRY(self._entry_point)
        self._handler = _HANDLER(self._line_done)

    # -- what readline calls --------------------------------------------

    def _entry_point(self, text, state):
        lib = _lib
        try:
            if state == 0:
                ctypes.c_int.in_dll(lib, "rl_completion_append_character").value = 0
                point = ctypes.c_int.in_dll(lib, "rl_point").value
                buffer = ctypes.c_char_p.in_dll(lib, "rl_line_buffer").value or b""
                line = buffer[:point].decode("utf-8", "replace")
                self._matches = self.complete(line, text.decode("utf-8", "replace"))
            if state < len(self._matches):
                return _libc.strdup(self._matches[state].encode("utf-8"))
        except Exception:  # never let an exception into readline
            self._matches = []
        return None

    def _line_done(self, pointer):
        # Removed here, as Python's readline module does: left installed,
        # readline would show the prompt again for the next line at once.
        _lib.rl_callback_handler_remove()
        if not pointer:
            self._lines.append(None)
            return
        self._lines.append(ctypes.string_at(pointer).decode("utf-8", "replace"))
        _libc.free(pointer)

    # -- the session -------------------------------------------------------

    @contextlib.contextmanager
    def session(self):
        """While inside, readline completes and remembers for the REPL."""
        lib = _load()
        names = ("rl_attempted_completion_function", "rl_completion_entry_function",
                 "rl_completer_word_break_characters")
        slots = {n: ctypes.c_void_p.in_dll(lib, n) for n in names}
        saved = {n: s.value for n, s in slots.items()}
        gdb_history = lib.history_get_history_state()
        empty = ctypes.create_string_buffer(64)  # a HISTORY_STATE of nothing
        lib.history_set_history_state(_history[0] or ctypes.addressof(empty))
        try:
            slots["rl_attempted_completion_function"].value = None
            slots["rl_completion_entry_function"].value = \
                ctypes.cast(self._entry, ctypes.c_void_p).value
            slots["rl_completer_word_break_characters"].value = ctypes.addressof(_BREAKS)
            yield self
        finally:
            for n, s in slots.items():
                s.value = saved[n]
            if _history[0]:
                _libc.free(_history[0])
            _history[0] = lib.history_get_history_state()
            lib.history_set_history_state(gdb_history)
            _libc.free(gdb_history)

    def read(self, prompt):
        """A line; raises EOFError at Ctrl-D, KeyboardInterrupt at Ctrl-C."""
        lib = _lib
        del self._lines[:]
        gdb.flush()  # what was printed before comes before the prompt
        lib.rl_callback_handler_install(prompt.encode("utf-8"), self._handler)
        try:
            while not self._lines:
                select.select([0], [], [])
                lib.rl_callback_read_char()
        except KeyboardInterrupt:
            lib.rl_free_line_state()
            lib.rl_callback_sigcleanup()
            sys.stdout.write("\n")
            raise
        finally:
            lib.rl_callback_handler_remove()
        line = self._lines[0]
        if line is None:
            sys.stdout.write("\n")
            raise EOFError
        if line.strip():
            lib.add_history(line.encode("utf-8"))
        return line


class Plain:
    """Reads lines from a stdin that is not a terminal."""

    @contextlib.contextmanager
    def session(self):
        yield self

    def read(self, prompt):
        gdb.flush()
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")
