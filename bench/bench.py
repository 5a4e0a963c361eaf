"""Times py-hook commands (and CPython's py-bt) at one stop, inside gdb.

Sourced by bench/run.sh with the program stopped.  $PYHOOK_BENCH_SPEC
names a file of lines "CASE<TAB>RUNS<TAB>COMMAND"; each command runs once
untimed (warm-up: the helper's handshake, gdb's caches), then RUNS times
timed.  Appends "CASE<TAB>COMMAND<TAB>RUNS<TAB>median<TAB>min<TAB>max<TAB>
LINES" rows (milliseconds; LINES: lines of output, to check that both
paths listed the same) to $PYHOOK_BENCH_OUT; a command that fails gives a
row with "FAIL" and its error.
"""

import os
import statistics
import time

import gdb


def have_command(name):
    try:
        gdb.execute("help " + name, to_string=True)
        return True
    except gdb.error:
        return False


def run(case, runs, command):
    if command.startswith("py-bt") and not have_command(command):
        return "%s\t%s\tn/a (python3.11-gdb.py not loaded)" % (case, command)
    try:
        text = gdb.execute(command, to_string=True)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            gdb.execute(command, to_string=True)
            times.append((time.perf_counter() - start) * 1000.0)
    except gdb.error as e:
        return "%s\t%s\tFAIL %s" % (case, command, str(e).splitlines()[0])
    lines = sum(1 for line in text.splitlines() if not line.startswith("py-hook: read from"))
    return "%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%d" % (
        case, command, runs, statistics.median(times), min(times), max(times), lines)


def main():
    rows = []
    with open(os.environ["PYHOOK_BENCH_SPEC"]) as spec:
        for line in spec:
            case, runs, command = line.rstrip("\n").split("\t")
            rows.append(run(case, int(runs), command))
    with open(os.environ["PYHOOK_BENCH_OUT"], "a") as out:
        out.write("\n".join(rows) + "\n")


main()
