"""A program that hangs until someone sets `done` from outside.

It sleeps in a loop, so nearly always it is inside time.sleep, with the GIL
released.  Interrupt it (Ctrl-C in gdb, or SIGINT from outside), then
`py-hook-set done True` and `continue`: it prints "hung done after N rounds"
and exits 0.  With --pid FILE it writes its process id to FILE first.
"""

import os
import sys
import time

if "--pid" in sys.argv:
    with open(sys.argv[sys.argv.index("--pid") + 1], "w") as f:
        f.write(str(os.getpid()))
done = False
rounds = 0
while not done:
    time.sleep(0.1)
    rounds += 1
print("hung done after", "some" if rounds else "no", "rounds")
