"""Comprehensions, inlined into the enclosing frame since 3.12 (PEP 709).

Each comprehension calls os.getppid() once per item, so `break getppid`
stops inside it: first in a function, then at module level.  The program
prints what the comprehensions computed and the globals they read.
"""

import os

scale = 1


def in_function():
    base = 10
    return [os.getppid() and base + x for x in range(3)]


print("function", in_function())
print("module", [os.getppid() and scale * y for y in range(3)], "scale", scale)
