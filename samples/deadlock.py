"""Two threads deadlocked on two RLocks, and a third joining one of them,
for py-hook-bt --all.

"one" holds `first` and waits for `second` with second.acquire(timeout=4)
(line 24); "two" holds `second` and waits for `first` in `with first:`
(line 34); "joiner" waits in two.join() (line 39).  Main calls os.getppid()
at line 47 (`break getppid`) once all three wait.  After 4 s "one" gives
up, which releases `first`, and everything ends:
  one gave up on second / two got first / joiner saw two end / deadlock done
"""

import os
import threading
import time

first = threading.RLock()
second = threading.RLock()
both_hold = threading.Barrier(2)


def one():
    with first:
        both_hold.wait()
        if second.acquire(timeout=4):  # line 24
            second.release()
            print("one got second", flush=True)
        else:
            print("one gave up on second", flush=True)


def two():
    with second:
        both_hold.wait()
        with first:  # line 34
            print("two got first", flush=True)


def joiner():
    threads["two"].join()  # line 39
    print("joiner saw two end", flush=True)


threads = {f.__name__: threading.Thread(target=f, name=f.__name__) for f in (one, two, joiner)}
for t in threads.values():
    t.start()
time.sleep(0.5)  # all three reach their wait
os.getppid()  # line 47: break getppid
for t in threads.values():
    t.join()
print("deadlock done", flush=True)
