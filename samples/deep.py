"""A 1000-frame-deep recursion, for timing py-hook-bt (make bench).

Stop it in gdb with `break getppid`: os.getppid() is called once, at the
bottom, where the Python stack is <module>, main() and 1000 dive() frames
(1002 in all).  Each dive() frame holds an int, a str and a small list.
Unedited it prints:
  deep done 1000
"""

import os
import sys

DEPTH = 1000

# 1000 dive() frames plus main() and <module> exceed the default limit (1000).
sys.setrecursionlimit(DEPTH + 100)


def dive(level):
    remaining = DEPTH - level
    tag = "level-%d" % level
    items = [level, remaining, tag]
    if remaining:
        return dive(level + 1)
    os.getppid()  # the native stop: break getppid
    return items[0]


def main():
    depth = dive(1)
    print("deep done %d" % depth)


if __name__ == "__main__":
    main()
