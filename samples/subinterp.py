"""A program that runs code in a subinterpreter between two stops in the
main one, each at an os.getppid() call (`break getppid`):

1. main interpreter, in before(): t = 0;
2. subinterpreter, in inner(): s = 0 (on 3.12 and later the subinterpreter
   has its own GIL and its own allocator, so an object of one interpreter
   must never be freed or called from the other);
3. main interpreter again, in after(): u = 0.

Each stop prints its variable after the stop, then the program prints
"done".  Unedited it prints:
  main t 0
  sub s 0
  main u 0
  done
"""

import os

try:
    import _interpreters as interpreters  # 3.13 and later

    run = interpreters.exec
except ImportError:
    import _xxsubinterpreters as interpreters  # 3.11, 3.12

    run = interpreters.run_string

SUB = """
import os


def inner():
    s = 0
    os.getppid()  # stop 2
    print("sub s", s, flush=True)


inner()
"""


def before():
    t = 0
    os.getppid()  # stop 1
    print("main t", t, flush=True)


def after():
    u = 0
    os.getppid()  # stop 3
    print("main u", u, flush=True)


before()
interp = interpreters.create()
run(interp, SUB)
after()
interpreters.destroy(interp)
print("done", flush=True)
