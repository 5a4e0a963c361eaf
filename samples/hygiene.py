"""State py-hook must leave exactly as it found it.

Stop 1, `break getppid`: the main thread is inside a ctypes call made with
the GIL held (PyDLL; with --released, CDLL, which releases the GIL around
the call) and errno set to 1234 just before it; the program prints errno
as ctypes saw it after the call.
Stop 2, `break getpgrp`, then `tbreak PyTraceBack_Here` and `continue`: the
thread is stopped while ValueError('boom') propagates out of fail(); the
except block in the module prints the exception it caught and `tag`.
At the end the program prints whether the garbage collector is enabled.
Unedited it prints: errno 1234 / a 1 / caught ValueError('boom') original /
gc True.
"""

import ctypes
import gc
import os
import sys

if "--released" in sys.argv:
    libc = ctypes.CDLL(None, use_errno=True)  # releases the GIL during the call
else:
    libc = ctypes.PyDLL(None, use_errno=True)  # keeps the GIL during the call
a = 1
ctypes.set_errno(1234)
libc.getppid()  # stop 1
print("errno", ctypes.get_errno())
print("a", a)


def fail():
    secret = 7
    raise ValueError("boom")


tag = "original"
try:
    os.getpgrp()  # stop 2: from here, break on PyTraceBack_Here
    fail()
except ValueError as e:
    print("caught", repr(e), tag)
print("gc", gc.isenabled())
