"""Which Python frame py-hook commands act on, per thread.

Like gdb's own frame selection, it goes back to the innermost frame (0)
whenever the program stops again: frame numbers from an earlier stop would
name other frames now.  Stops that happen inside a py-hook call (an
interrupted call, resumed or unwound) are py-hook's own and keep it.
"""

import contextlib

import gdb

_selected = {}
_held = 0


def _key():
    thread = gdb.selected_thread()
    return (gdb.selected_inferior().pid, thread.global_num if thread else 0)


def get():
    return _selected.get(_key(), 0)


def set(index):
    _selected[_key()] = index


@contextlib.contextmanager
def held():
    """While inside, stops do not reset the selection."""
    global _held
    _held += 1
    try:
        yield
    finally:
        _held -= 1


def _on_stop(_event):
    if not _held:
        _selected.clear()


def reset(_event=None):
    _selected.clear()


def register():
    gdb.events.stop.connect(_on_stop)
    gdb.events.exited.connect(reset)
