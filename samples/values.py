"""One variable of each kind py-hook renders, for tests of py-hook-locals.

Stop it with `break getppid`; show() holds every value below at that stop.
"""

import os


class MyInt(int):
    def __repr__(self):
        raise RuntimeError("py-hook must not call this __repr__")


def show():
    big = 2**100
    huge = 7**20000
    neg = -42
    ratio = 0.1
    z = 1.5 - 2j
    flag = True
    nothing = None
    text = "tab\there\nnew line \x00 nul \u00e9"
    blob = b"\x00\x01abc\xff"
    long_text = "x" * 100000
    items = [1, "two", 3.0, None]
    pair = (1,)
    table = {"a": 1, 2: [3, 4]}
    bag = {7}
    empty = frozenset()
    nested = [[[[1]]]]
    obj = object()
    sub = MyInt(5)
    os.getppid()  # native stop: every value above is set
    unbound_later = 1
    return unbound_later


show()
print("done")
