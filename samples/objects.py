"""Values of every kind py-hook renders without running the program's code.

`break getppid` stops in show() (line 99), whose locals are one of each
kind; `numpy` is used when it is installed (else `arr` is None).  Prints
"objects done" at the end.
"""

import collections
import enum
import os

try:
    import numpy
except ImportError:
    numpy = None


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm(self):
        return abs(self.x) + abs(self.y)


class Slotted:
    __slots__ = ("a", "b", "unset")

    def __init__(self, a, b):
        self.a = a
        self.b = b


class Line(Point):
    def __init__(self, start, end):
        self.start = start
        self.end = end


class Color(enum.Enum):
    RED = 1
    GREEN = "green"


class Perm(enum.IntFlag):
    R = 4
    W = 2


class Size(enum.IntEnum):
    BIG = 3


Pair = collections.namedtuple("Pair", "x y")


class MyList(list):
    pass


class MyInt(int):
    pass


def show():
    module = os
    function = show
    method = Point(1, 2).norm
    builtin = len
    bound_builtin = [].append
    cls = Point
    builtin_cls = int
    stdlib_cls = collections.OrderedDict
    point = Point(1, 2)
    slotted = Slotted(3, "four")
    line = Line(Point(1, 2), Point(3, 4))
    red = Color.RED
    green = Color.GREEN
    perm = Perm.R | Perm.W
    big = Size.BIG
    pair = Pair(1, "b")
    ordered = collections.OrderedDict([("b", 1), ("a", 2), ("c", 3)])
    ordered.move_to_end("b")
    default = collections.defaultdict(list, {"k": [1]})
    mylist = MyList([1, 2])
    myint = MyInt(7)
    blob = bytearray(b"ab\x00c")
    span = range(2, 10, 3)
    simple_range = range(5)
    recursive = [1]
    recursive.append(recursive)
    rdict = {"k": 1}
    rdict["self"] = rdict
    digits4300 = 10**4299
    digits4301 = 10**4300
    arr = numpy.zeros((3, 4)) if numpy is not None else None
    deep = [[[Point(0, 0)]]]
    os.getppid()  # the native stop: break getppid
    return locals()


show()
print("objects done")
