"""A recursion of DEPTH frames that stops, then waits, for py-hook dump and
make bench.

Usage: stack.py DEPTH [WAIT]
dive() recurses until DEPTH frames deep (DEPTH + 2 Python frames with
main() and <module>); each frame holds an int, a str and a small list.  At
the bottom it calls os.getppid() (line 28: `break getppid`), prints
"ready" (flushed), sleeps WAIT seconds (default 0), and unwinds; the program
prints "stack done DEPTH".
"""

import os
import sys
import time

DEPTH = int(sys.argv[1])
WAIT = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0

sys.setrecursionlimit(DEPTH + 100)


def dive(level):
    remaining = DEPTH - level
    tag = "level-%d" % level
    items = [level, remaining, tag]
    if remaining:
        return dive(level + 1)
    os.getppid()  # the native stop: break getppid
    print("ready", flush=True)
    time.sleep(WAIT)
    return items[0]


def main():
    depth = dive(1)
    print("stack done %d" % depth)


if __name__ == "__main__":
    main()
