"""Two threads deadlocked on two RLocks, and a third joining one of them,
for py-hook-bt --all.

"one" holds `first` and waits for `second` with second.acquire(timeout=wait)
(line 27); "two" holds `second` and waits for `first` in `with first:`
(line 37); "joiner" waits in two.join() (line 42).  Main calls os.getppid()
at line 50 (`break getppid`) once all three wait.  After 4 s "one" gives
up, which releases `first`, and everything ends:
  one gave up on second / two got first / joiner saw two end / deadlock done
With DEADLOCK_FOREVER=1 in its environment, "one" waits without a timeout
(wait = -1): a deadlock for good, for a core file.
"""

import os
import threading
import time

first = threading.RLock()
second = threading.RLock()
both_hold = threading.Barrier(2)
wait = -1 if os.environ.get("DEADLOCK_FOREVER") else 4


def one():
    with first:
        both_hold.wait()
        if second.acquire(timeout=wait):  # line 27
            second.release()
            print("one got second", flush=True)
        else:
            print("one gave up on second", flush=True)


def two():
    with second:
        both_hold.wait()
        with first:  # line 37
            print("two got first", flush=True)


def joiner():
    threads["two"].join()  # line 42
    print("joiner saw two end", flush=True)


threads = {f.__name__: threading.Thread(target=f, name=f.__name__) for f in (one, two, joiner)}
for t in threads.values():
    t.start()
time.sleep(0.5)  # all three reach their wait
os.getppid()  # line 50: break getppid
for t in threads.values():
    t.join()
print("deadlock done", flush=True)
