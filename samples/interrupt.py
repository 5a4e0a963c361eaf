"""A program for interrupted and misbehaving py-hook calls.

work() stops at os.getppid() with locals `a` (1) and `child` (0), and
prints `a` afterwards.  The program's own SIGINT handler prints a line, so
a SIGINT that py-hook let through to the program would show in its output.
If `child` was set to a process id (py-hook-set child __import__("os").fork()),
work() waits for that child and prints its exit status.

--worker  the stop is in a thread named "worker"; the main thread joins it.
"""

import os
import signal
import sys
import threading


def on_sigint(signum, frame):
    print("the program's SIGINT handler ran", flush=True)


signal.signal(signal.SIGINT, on_sigint)


def work():
    a = 1
    child = 0
    os.getppid()  # the native stop: break getppid
    if child:
        _, status = os.waitpid(child, 0)
        print("child exit", os.waitstatus_to_exitcode(status))
    print("a", a)


if "--worker" in sys.argv:
    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()
else:
    work()
print("done")
