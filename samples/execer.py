"""A program that replaces itself with exec, keeping its process id.

main() stops at os.getppid() with a local `stage` (1) and prints it; the
first run then execs the interpreter on this script again (with
--drop-preload, without LD_PRELOAD in the environment), which stops and
prints once more.  Edit `stage` at each stop: it prints the values set.
"""

import os
import sys


def main():
    stage = 1
    os.getppid()  # the native stop: break getppid
    print("stage", stage, "pid", os.getpid() == int(os.environ.get("FIRST_PID", os.getpid())),
          flush=True)
    if "--again" not in sys.argv:
        env = dict(os.environ, FIRST_PID=str(os.getpid()))
        if "--drop-preload" in sys.argv:
            env.pop("LD_PRELOAD", None)
        os.execve(sys.executable, [sys.executable, __file__, "--again"] + sys.argv[1:], env)


main()
