"""py-hook-exec, scratch names and write-back.

`break getppid` stops in work() at line 28 and again at line 29, in
each of its two calls.  Its variables are a (1), b (2), items (a list),
cfg (a Config) and a closure's cell `total`.  Unedited it prints:
  call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0
  call 2: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0
  globals: counter 0 has_tmp False
  stdin closed False
"""

import os
import sys

counter = 0


class Config:
    def __init__(self):
        self.timeout = 30


def work(call):
    a, b = 1, 2
    items = [3, 1, 2]
    cfg = Config()
    total = 0
    os.getppid()  # the native stop: break getppid
    os.getppid()  # a second stop in the same call
    bump = lambda: total  # noqa: E731 (makes total a cell)
    print("call %d: a %s b %s total %s items %s timeout %s counter %s"
          % (call, a, b, bump(), items, cfg.timeout, counter))


work(1)
work(2)
print("globals: counter %s has_tmp %s" % (counter, "tmp" in globals()))
print("stdin closed", sys.stdin.closed)
