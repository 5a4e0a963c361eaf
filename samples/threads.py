"""Threads that py-hook must refuse to act on, each for its own reason.

- faulthandler's watchdog is a native thread with no Python thread state;
- "sleeper-with-a-long-name" sleeps in time.sleep, GIL released (a name too long for the kernel).
Stop it with `break getppid` (in the main thread, which holds the GIL);
`info threads` then shows the other two.  With --subinterpreter it first
creates a subinterpreter, after which CPython's PyGILState_Check() answers
yes on every thread: py-hook must still tell who holds the GIL.
"""

import faulthandler
import os
import sys
import threading
import time

if "--subinterpreter" in sys.argv:
    try:
        import _interpreters as interpreters  # 3.13
    except ImportError:
        import _xxsubinterpreters as interpreters  # 3.11, 3.12
    interpreters.destroy(interpreters.create())

stop = threading.Event()


def sleeper():
    while not stop.is_set():
        time.sleep(0.05)


faulthandler.dump_traceback_later(600)  # starts the watchdog thread
worker = threading.Thread(target=sleeper, name="sleeper-with-a-long-name")
worker.start()
time.sleep(0.2)  # let the sleeper reach time.sleep
os.getppid()  # native stop, main thread
stop.set()
worker.join()
faulthandler.cancel_dump_traceback_later()
print("threads done")
