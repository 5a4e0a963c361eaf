"""Prints make bench's table from bench/run.sh's rows (argument: the file).

Rows: "CASE<TAB>COMMAND<TAB>RUNS<TAB>median<TAB>min<TAB>max<TAB>LINES" in
milliseconds (bench/bench.py), "CASE<TAB>COMMAND<TAB>n/a ..." or "FAIL ...",
and "CASE<TAB>COMMAND<TAB>wall-us T1 T2 ...<TAB>LINES" for whole-process
timings in microseconds (wall time for the dump, CPU time for the idle
cost).  Ends with the targets of issue 10, each met or not, and one
key=value line.  Exits 1 if a command failed.
"""

import statistics
import sys

rows = {}
samples = {}  # (case, command) -> every time, for whole-process rows
order = []
failed = False
for line in open(sys.argv[1]):
    fields = line.rstrip("\n").split("\t")
    if len(fields) < 3:
        continue
    case, command = fields[0], fields[1]
    key = (case, command)
    order.append(key)
    if fields[2].startswith("wall-us"):
        times = [int(t) / 1000.0 for t in fields[2].split()[1:]]
        samples[key] = times
        rows[key] = (len(times), statistics.median(times), min(times), max(times),
                     fields[3] if len(fields) > 3 else "")
    elif fields[2].startswith(("n/a", "FAIL")):
        rows[key] = fields[2]
        failed = failed or fields[2].startswith("FAIL")
    else:
        runs, median, low, high, lines = fields[2:7]
        rows[key] = (int(runs), float(median), float(low), float(high), lines)


def median(case, command):
    row = rows.get((case, command))
    return row[1] if isinstance(row, tuple) else None


print("%-10s %-30s %4s %10s %10s %10s %7s" % ("case", "command", "runs", "median ms",
                                               "min ms", "max ms", "lines"))
for key in order:
    row = rows[key]
    if isinstance(row, str):
        print("%-10s %-30s %s" % (key[0], key[1], row))
        continue
    runs, med, low, high, lines = row
    print("%-10s %-30s %4d %10.2f %10.2f %10.2f %7s" % (key[0], key[1], runs, med, low, high,
                                                         lines))

call = {d: median(d, "py-hook-bt --full") for d in ("10", "1000", "5000")}
memory = {d: median(d, "py-hook-bt --full --memory") for d in ("10", "1000", "5000")}
plain = {d: median(d, "py-hook-bt") for d in ("10", "1000", "5000")}
plain_memory = {d: median(d, "py-hook-bt --memory") for d in ("10", "1000", "5000")}
pybt, pybt_full = median("1000", "py-bt"), median("1000", "py-bt-full")
dump = median("dump", "py-hook dump PID --locals")
idle_plain, idle_preload = median("idle", "cpu.py"), median("idle", "cpu.py with LD_PRELOAD")
start_plain = median("startup", "python -c pass")
start_preload = median("startup", "python -c pass with LD_PRELOAD")
wide_call, wide_memory = median("wide", "py-hook-locals"), median("wide", "py-hook-locals --memory")


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(x, unit=""):
    return "n/a" if x is None else "%.2f%s" % (x, unit)


for d in ("10", "1000", "5000"):
    for a, b in ((rows.get((d, "py-hook-bt")), rows.get((d, "py-hook-bt --memory"))),
                 (rows.get((d, "py-hook-bt --full")), rows.get((d, "py-hook-bt --full --memory")))):
        if isinstance(a, tuple) and isinstance(b, tuple) and a[4] != b[4]:
            print("FAIL: at %s frames the two paths listed %s and %s lines" % (d, a[4], b[4]))
            failed = True

print()
print("Ratios (medians of this run):")
print("  memory / call path, --full:   10 frames %s, 1000 frames %s, 5000 frames %s" % (
    fmt(ratio(memory["10"], call["10"])), fmt(ratio(memory["1000"], call["1000"])),
    fmt(ratio(memory["5000"], call["5000"]))))
print("  5000 / 1000 frames, --full:   call path %s, memory %s" % (
    fmt(ratio(call["5000"], call["1000"])), fmt(ratio(memory["5000"], memory["1000"]))))
print("  py-bt / py-hook-bt (1000):    %s; py-bt-full / py-hook-bt --full: %s" % (
    fmt(ratio(pybt, plain["1000"])), fmt(ratio(pybt_full, call["1000"]))))
print("  10,000 variables, memory / call path: %s" % fmt(ratio(wide_memory, wide_call)))
v314 = {c: median("1000 3.14", c) for c in ("py-hook-bt", "py-hook-bt --memory",
                                            "py-hook-bt --full", "py-hook-bt --full --memory")}
print("  3.14 (gdb 18) / 3.11 (gdb 13), 1000 frames: bt %s, bt --memory %s, --full %s, "
      "--full --memory %s" % tuple(fmt(ratio(v314[c], median("1000", c))) for c in v314))
idle = ratio(idle_preload, idle_plain)


def noise(key):
    """Half the interquartile range of KEY's runs, relative to their median:
    how much runs of the same program differ on this machine."""
    times = sorted(samples.get(key, []))
    if len(times) < 4:
        return None
    q1, q3 = times[len(times) // 4], times[(3 * len(times)) // 4]
    return (q3 - q1) / 2 / statistics.median(times) * 100


idle_noise = noise(("idle", "cpu.py"))
print("  LD_PRELOAD idle cost (CPU time): %s on cpu.py (runs of the same program differ by "
      "+-%s%%); start-up %s (%s ms)" % (
          "n/a" if idle is None else "%+.2f%%" % ((idle - 1) * 100),
          "n/a" if idle_noise is None else "%.1f" % idle_noise,
          "n/a" if not start_plain else "%+.2f%%" % ((start_preload / start_plain - 1) * 100),
          "n/a" if not start_plain else "%+.2f" % (start_preload - start_plain)))

targets = [
    ("call path py-hook-bt --full at 1000 frames <= 12 ms", call["1000"], lambda v: v <= 12),
    ("memory path --full at most 10x the call path (1000 frames)",
     ratio(memory["1000"], call["1000"]), lambda v: v <= 10),
    ("5000 frames at most 6x 1000 frames, call path",
     ratio(call["5000"], call["1000"]), lambda v: v <= 6),
    ("5000 frames at most 6x 1000 frames, memory path",
     ratio(memory["5000"], memory["1000"]), lambda v: v <= 6),
    ("py-hook dump PID --locals at 1000 frames <= 250 ms wall", dump, lambda v: v <= 250),
    # The helper runs nothing until gdb calls it; what it costs is its
    # load and its symbol lookups at start-up.  Met when the cpu.py
    # difference is at most 1% or within the run-to-run noise.
    ("LD_PRELOAD idle cost <= 1% or within noise", None if idle is None else (idle - 1) * 100,
     lambda v: v <= max(1.0, idle_noise or 0.0)),
]
print()
print("Targets:")
for text, value, ok in targets:
    verdict = "n/a" if value is None else ("met" if ok(value) else "NOT MET")
    print("  %-62s %10s  %s" % (text, fmt(value), verdict))

pairs = [
    ("call_bt_1000_ms", plain["1000"]), ("call_full_1000_ms", call["1000"]),
    ("memory_bt_1000_ms", plain_memory["1000"]), ("memory_full_1000_ms", memory["1000"]),
    ("call_full_5000_ms", call["5000"]), ("memory_full_5000_ms", memory["5000"]),
    ("call_full_10_ms", call["10"]), ("memory_full_10_ms", memory["10"]),
    ("py_bt_1000_ms", pybt), ("py_bt_full_1000_ms", pybt_full),
    ("wide_call_ms", wide_call), ("wide_memory_ms", wide_memory),
    ("dump_1000_locals_ms", dump), ("idle_plain_ms", idle_plain),
    ("idle_preload_ms", idle_preload), ("startup_plain_ms", start_plain),
    ("startup_preload_ms", start_preload),
]
print()
print("bench " + " ".join("%s=%s" % (k, "na" if v is None else "%.2f" % v) for k, v in pairs))
sys.exit(1 if failed else 0)
