"""Two threads: "busy" spins with the GIL, main waits for it.

busy() runs until its local `deadline` passes (60 s from its start) and
calls os.getppid() each round, so `break getppid thread 2` stops it while
it holds the GIL.  The main thread either joins it (default: blocked in a
lock, GIL released) or, with --poll, polls it with short sleeps, so it keeps
asking for the GIL.  Prints "busy stopped early" when deadline was edited,
"busy ran out" otherwise.
"""

import os
import sys
import threading
import time

rounds = 0


def busy():
    global rounds
    deadline = time.monotonic() + 60
    n = 0
    while time.monotonic() < deadline:
        n += 1
        os.getppid()
    rounds = n


worker = threading.Thread(target=busy, name="busy")
start = time.monotonic()
worker.start()
if "--poll" in sys.argv:
    while worker.is_alive():
        time.sleep(0.001)
else:
    worker.join()
print("busy stopped early" if time.monotonic() - start < 50 else "busy ran out")
