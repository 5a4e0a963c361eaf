"""Attribute chains, subscripts and a property on one line, for py-hook-explain.

`break getppid` stops in Worker.run() (line 32), whose statement reads
self.conf.limit (a class attribute), self.conf.name (an instance one),
self.items[0], table['k'], a module global SCALE and a property
(self.size).  Unedited it prints:
  over True size 3
"""

import os

SCALE = 10


class Conf:
    limit = 2

    def __init__(self):
        self.name = "c"


class Worker:
    def __init__(self):
        self.conf, self.items = Conf(), [5, 6, 7]

    @property
    def size(self):
        return len(self.items)

    def run(self, table):
        over = self.conf.limit < len(self.items) and table["k"] * SCALE > self.items[0] and \
            self.conf.name and os.getppid() > 0 and self.size
        print("over", bool(over), "size", self.size)


Worker().run({"k": 1})
