"""Hostile names: a module whose globals would forge output lines or send
escape sequences to a terminal, stopped at module level.

Stops at os.getppid() in the module body; afterwards prints `x`.
"""

import os

x = 1
globals()["b\nfake = 'SPOOF'"] = 2
globals()["esc\x1b[31m"] = "\x1b[2J"
os.getppid()  # the native stop: break getppid
print("x", x)
