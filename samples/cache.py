"""Save an expensive result in one run, load it into a later one.

main() computes `result` (skipped when SKIP is set in the environment,
leaving None), then `break getppid` stops in main() (line 31), whose
variables are n, result, guard (a threading.Lock, which pickle refuses) and
label.  Unedited, without SKIP, it prints:
  points 1000 total 332833500 last Point(999, 998001) label 'run'
"""

import os
import threading


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __repr__(self):
        return "Point(%d, %d)" % (self.x, self.y)


def compute(n):  # the expensive part
    points = [Point(i, i * i) for i in range(n)]
    return {"points": points, "total": sum(p.y for p in points)}


def main():
    n = 1000
    result = None if os.environ.get("SKIP") else compute(n)
    guard, label = threading.Lock(), "run"
    os.getppid()  # the native stop: break getppid
    if result is None:
        print("no result; label %r" % label)
        return
    print("points %d total %s last %r label %r"
          % (len(result["points"]), result["total"], result["points"][-1], label))


main()
