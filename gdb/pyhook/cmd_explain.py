"""py-hook-explain: the current statement of a frame, with its values."""

import gdb

from . import args, complete, explain, selection, snapshot, view
from .errors import fail
from .objects import Unreadable
from .pyframes import NoFrame
from .settings import value_limit
from .target import require_stopped_process


class PyHookExplain(gdb.Command):
    """Show a Python frame's current statement with the value of every name it uses.

Usage: py-hook-explain [N]
N is a frame number from py-hook-bt; without it, the frame selected with
py-hook-frame (0 at first).  Prints the frame, the statement it runs (the
header only of an if, while, for or with), then each name, attribute chain
and constant subscript in it (self, self.x, self.x.y, d['k'], items[0])
with its value, as pytest shows a failed assert.  With an exception in
flight in frame 0 (a py-hook-catch stop, a failing assert), the exception
comes first.  Everything is read from memory: no code of the program runs,
so a property's value, or a subscript of anything but a dict, list or
tuple, is not shown; py-hook-eval shows those."""

    USAGE = "py-hook-explain [N]"

    def __init__(self):
        super().__init__("py-hook-explain", gdb.COMMAND_DATA)

    def complete(self, text, word):
        if word is None:
            return gdb.COMPLETE_NONE  # gdb 14+ asks first for word-break characters
        return complete.frame_numbers(word)

    def invoke(self, arg, from_tty):
        index, _ = args.optional_number(arg, "py-hook-explain", self.USAGE, selection.get())
        _, thread = require_stopped_process()
        rt = snapshot.read_runtime()
        ts = snapshot.python_thread(rt, thread)
        try:
            result = explain.explain(rt, ts, index, value_limit())
        except NoFrame as e:
            raise fail(str(e))
        except (Unreadable, gdb.error) as e:
            raise fail("frame %d could not be read from memory (%s)" % (index, e))
        out = [view.frame_line(result.frame)]
        if result.note:
            out.append("    (%s)" % view.printable(result.note))
        for number, text in result.lines:
            out.append("%s%-5d %s" % ("->" if number == result.frame.line else "  ", number,
                                      view.printable(text)))
        if result.caught is not None:
            out.append("%s  (being raised in this frame)" % view.printable(result.caught.describe()))
        for text, value in result.rows:
            if isinstance(value, str):
                out.append("    %s: %s" % (view.printable(text), view.printable(value)))
            else:
                out.append("    " + view.variable_line(value))
        if not result.rows and not result.note:
            out.append("    (no names on this line)")
        gdb.write("\n".join(out) + "\n")


COMMANDS = (PyHookExplain,)
