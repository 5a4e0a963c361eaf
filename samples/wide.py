"""One frame with 10,000 variables, and 10,000-item containers, for make bench.

wide() is made from generated source: v0 = 0 ... v9999 = 9999, then
items (a list of 10,000 ints) and table (a dict of 10,000 str keys), then
os.getppid() (`break getppid`).  Prints "wide done 10000".
"""

import os

COUNT = 10000
lines = ["def wide():"]
lines += ["    v%d = %d" % (i, i) for i in range(COUNT)]
lines += [
    "    items = list(range(%d))" % COUNT,
    "    table = {'k%%d' %% i: i for i in range(%d)}" % COUNT,
    "    os.getppid()  # the native stop: break getppid",
    "    return v%d + len(items) - len(table)" % (COUNT - 1),
]
exec(compile("\n".join(lines), __file__, "exec"))
print("wide done %d" % (wide() + 1))
