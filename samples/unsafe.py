"""Places where py-hook must not call into the stopped thread.

Usage: unsafe.py MODE, MODE one of malloc, gc, loader, signal, fork.
A second thread ("sleeper") runs throughout.  The main thread calls
os.getppid() just before the risky step: stop there (`break getppid`),
then set a thread-specific breakpoint inside the step and continue:

  malloc  b"x" * 1000000          tbreak __libc_malloc / _int_malloc thread 1
  gc      gc.collect()            tbreak gc_collect_main thread 1
  loader  import _queue           tbreak dlopen thread 1
  signal  signal.raise_signal()   tbreak signal_handler thread 1
  fork    os.fork()               tbreak _Fork thread 1
  finalizer  gc.collect() runs a __del__, which calls os.getpgrp() with
             its local `seen` (1): tbreak getpgrp thread 1 stops in
             Python code the collector runs; afterwards it prints
             "finalizer saw N" if `seen` was changed

Afterwards the main thread calls os.getpgrp(), a stop where everything is
safe again.  Unedited it prints "x 1" and exits 0.
"""

import gc
import os
import signal
import sys
import threading
import time

mode = sys.argv[1]
stop = threading.Event()


class Finalized:
    def __del__(self):
        seen = 1
        os.getpgrp()  # inside a finalizer the collector runs
        if seen != 1:
            print("finalizer saw", seen)


def sleeper():
    while not stop.is_set():
        time.sleep(0.02)


worker = threading.Thread(target=sleeper, name="sleeper")
worker.start()
if mode == "signal":
    signal.signal(signal.SIGUSR1, lambda signum, frame: None)
x = 1
os.getppid()  # the arming stop
if mode == "malloc":
    data = b"x" * 1000000
elif mode == "gc":
    gc.collect()
elif mode == "loader":
    import _queue  # an extension module nothing has imported yet
elif mode == "signal":
    signal.raise_signal(signal.SIGUSR1)
elif mode == "finalizer":
    cycle = Finalized()
    cycle.me = cycle
    del cycle
    gc.collect()
elif mode == "fork":
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
os.getpgrp()  # safe again
stop.set()
worker.join()
print("x", x)
