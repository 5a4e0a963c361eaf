"""Times py-hook-bt, py-hook-bt --full and CPython's py-bt at one stop.

Sourced by bench/run.sh inside gdb, with the program stopped at getppid at
the bottom of samples/deep.py.  Writes the table to $PYHOOK_BENCH_TABLE;
a line starting with FAIL there makes run.sh exit non-zero.
"""

import os
import statistics
import time

import gdb

EXPECTED_FRAMES = 1002  # 1000 dive() + main() + <module>
HOOK_RUNS = 20
PY_BT_RUNS = 3  # py-bt takes seconds per run on 1000 frames


def count_frames(command, text):
    # py-hook-bt prints one "#N file:line in func" line per frame; py-bt
    # prints one '  File "...", line N, in func' line per frame.
    marker = "  File " if command == "py-bt" else "#"
    return sum(line.startswith(marker) for line in text.splitlines())


def time_command(command, runs):
    """Runs COMMAND once untimed (warm-up), then RUNS timed; ms per run."""
    text = gdb.execute(command, to_string=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        gdb.execute(command, to_string=True)
        times.append((time.perf_counter() - start) * 1000.0)
    return times, count_frames(command, text)


def have_command(name):
    try:
        gdb.execute("help " + name, to_string=True)
        return True
    except gdb.error:
        return False


def main():
    rows = []  # (command, times in ms or None, frames listed, note)
    failures = []
    for command in ("py-hook-bt", "py-hook-bt --full"):
        times, frames = time_command(command, HOOK_RUNS)
        rows.append((command, times, frames, ""))
        if frames != EXPECTED_FRAMES:
            failures.append("%s listed %d frames, expected %d" % (command, frames, EXPECTED_FRAMES))
    # py-bt comes from python3.11-gdb.py, auto-loaded only with python3.11-dbg.
    if have_command("py-bt"):
        times, frames = time_command("py-bt", PY_BT_RUNS)
        note = "only %d runs: slow" % PY_BT_RUNS
        if frames == 0:
            times, note = None, "n/a (py-bt found no Python frames)"
        rows.append(("py-bt", times, frames, note))
    else:
        rows.append(("py-bt", None, 0, "n/a (install python3.11-dbg)"))

    base = statistics.median(rows[0][1])
    lines = ["%-18s %4s %10s %10s %10s %7s %7s" % (
        "command", "runs", "median ms", "min ms", "max ms", "ratio", "frames")]
    for command, times, frames, note in rows:
        if times is None:
            lines.append("%-18s %s" % (command, note))
            continue
        median = statistics.median(times)
        line = "%-18s %4d %10.2f %10.2f %10.2f %7.2f %7d  %s" % (
            command, len(times), median, min(times), max(times), median / base, frames, note)
        lines.append(line.rstrip())
    lines.append("py-hook-bt listed %d frames (expected %d)" % (rows[0][2], EXPECTED_FRAMES))
    lines += ["FAIL: " + f for f in failures]
    with open(os.environ["PYHOOK_BENCH_TABLE"], "w") as out:
        out.write("\n".join(lines) + "\n")


main()
