"""Floating-point work in progress at a native stop.

Stop it with `break pow`: math.pow() calls libm's pow() with its arguments in
xmm0 and xmm1.  Whatever py-hook does at that stop, the program must print
exactly what it prints when run on its own.
"""

import math
import os

os.getppid()  # a first stop before any pow(), for tests that need one
values = []
for i in range(5):  # a loop, not a comprehension: i is a plain module global
    values.append(math.pow(1.0 + i / 7.0, 2.5 + i / 3.0))
total = math.fsum(values)
print(" ".join(repr(v) for v in values))
print(repr(total))
