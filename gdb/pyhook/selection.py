"""Which Python frame py-hook commands act on, per thread.

Like gdb's own frame selection, it goes back to the innermost frame (0)
whenever the program stops again: frame numbers from an earlier stop would
name other frames now.
"""

import gdb

_selected = {}


def _key():
    thread = gdb.selected_thread()
    return (gdb.selected_inferior().pid, thread.global_num if thread else 0)


def get():
    return _selected.get(_key(), 0)


def set(index):
    _selected[_key()] = index


def reset(_event=None):
    _selected.clear()


def register():
    gdb.events.stop.connect(reset)
    gdb.events.exited.connect(reset)
