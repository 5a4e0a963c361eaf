"""A native breakpoint condition in a program of two threads ($py_eval).

A worker thread calls os.getppid() three times with n = 0, 1, 2 (line 16);
the main thread waits for it.  Unedited it prints:
  worker saw 0 1 2
"""

import os
import threading

seen = []


def worker():
    for n in range(3):
        os.getppid()
        seen.append(n)


t = threading.Thread(target=worker)
t.start()
t.join()
print("worker saw", *seen)
