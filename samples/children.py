"""A preloaded parent whose child, which inherits LD_PRELOAD, waits for an edit.

Usage: children.py fork|spawn|forkserver|subprocess PIDFILE
(fork is Linux's default multiprocessing start method up to Python 3.13).
The parent starts one child: a multiprocessing.Process with that start method,
or, for "subprocess", `sys.executable children.py worker subprocess PIDFILE`.
The child writes its PID to PIDFILE (atomically: tmp file, then rename), then
loops in wait_for_edit() until someone attaches with `gdb -p CHILD`,
`break getppid`, `continue`, `py-hook-set done True`, `delete`, `detach`: it
prints "child METHOD done after edit" and exits 0 (or "child timed out" and
exits 3 after 60 s).  The parent waits for it, prints
"parent: child exit code N" and exits 1 if N is not 0.
"""

import multiprocessing
import os
import subprocess
import sys
import time


def wait_for_edit(method, pidfile):
    with open(pidfile + ".tmp", "w") as f:
        f.write(f"{os.getpid()}\n")
    os.rename(pidfile + ".tmp", pidfile)
    done = False
    deadline = time.monotonic() + 60
    while not done:
        os.getppid()  # native stop, with the GIL held: break getppid
        time.sleep(0.05)
        if time.monotonic() > deadline:
            print("child timed out", flush=True)
            sys.exit(3)
    print(f"child {method} done after edit", flush=True)


def main(method, pidfile):
    if method == "subprocess":
        code = subprocess.call([sys.executable, os.path.abspath(__file__), "worker", method, pidfile])
    else:
        child = multiprocessing.get_context(method).Process(target=wait_for_edit, args=(method, pidfile))
        child.start()
        child.join()
        code = child.exitcode
    print(f"parent: child exit code {code}")
    return 0 if code == 0 else 1


if __name__ == "__main__":  # multiprocessing's spawn imports this file again as __mp_main__
    if sys.argv[1] == "worker":
        wait_for_edit(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main(sys.argv[1], sys.argv[2]))
