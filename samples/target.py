"""A small target for malformed input: work() stops in getppid with the
arguments `a` (21) and `scratch` (None), and returns a * 2.

Whatever py-hook is asked to do to `scratch`, the program prints 42.
"""

import os


def work(a, scratch):
    os.getppid()  # break getppid
    return a * 2


print(work(21, None))
