"""A program stuck in a loop until someone changes `done` from outside.

Start it with the helper preloaded, attach with `gdb -p PID`, `break getppid`,
`continue`, then `py-hook-set done True`, `delete`, `detach`: it prints
"waiter done" and exits 0.
"""

import os
import time

done = False
rounds = 0
while not done:
    os.getppid()  # native stop, with the GIL held: break getppid
    rounds += 1
    time.sleep(0.02)
print("waiter done")
