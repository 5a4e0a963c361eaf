"""How long a frame with scratch names lives (py-hook-exec).

f() and g() each hold a Res, whose finalizer prints, and g() an open file
it writes to without closing (FILE, argv[1]); both stop at os.getppid()
(line 30, then line 37).  After f() returns the program allocates (the
collector runs), then prints the collector's callbacks; g() returns right
before the program ends.  Unedited it prints:
  Res f finalized
  after f []
  Res g finalized
  end
and FILE holds "data from g".  With scratch names made in g()'s frame,
"Res g finalized" comes at exit, after "end": no collection ran between.
"""

import gc
import os
import sys


class Res:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        print("Res", self.name, "finalized")


def f():
    r = Res("f")
    os.getppid()  # the native stop: break getppid


def g():
    r = Res("g")
    out = open(sys.argv[1], "w")
    out.write("data from g")
    os.getppid()  # the second stop


f()
junk = [[i] for i in range(20000)]
print("after f", gc.callbacks)
g()
print("end")
