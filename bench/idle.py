"""The idle cost of LD_PRELOAD=libhookhelper.so: runs bench/cpu.py (a
second of pure-Python work) and `python -c pass` (start-up alone) RUNS
times each, without and with the helper preloaded, alternating, and prints
bench rows of the CPU time (user + system, from wait4) each run took, in
microseconds: CPU time is less disturbed than wall time by other work on
the machine.  Usage: idle.py PYTHON HELPER RUNS"""

import os
import sys

python, helper, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cpu.py")


def cpu_us(argv, preload):
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    if preload:
        env["LD_PRELOAD"] = helper
    pid = os.spawnve(os.P_NOWAIT, python, argv, env)
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        sys.exit("idle: %s failed" % " ".join(argv))
    return int((usage.ru_utime + usage.ru_stime) * 1e6)


for case, argv in (("idle", [python, script]), ("startup", [python, "-c", "pass"])):
    times = {False: [], True: []}
    for _ in range(runs if case == "idle" else 4 * runs):
        for preload in (False, True):
            times[preload].append(cpu_us(argv, preload))
    label = "cpu.py" if case == "idle" else "python -c pass"
    print("%s\t%s\twall-us %s\t" % (case, label, " ".join(map(str, times[False]))))
    print("%s\t%s with LD_PRELOAD\twall-us %s\t" % (case, label, " ".join(map(str, times[True]))))
