#!/bin/sh
# make bench: py-hook's costs at scale, on Debian's python3.11, measured
# side by side in one run and printed as one table (bench/report.py):
# - py-hook-bt and py-hook-bt --full through the helper and from memory
#   (--memory) on stacks of 10, 1000 and 5000 frames (samples/stack.py),
#   CPython's py-bt and py-bt-full at 1000 frames;
# - py-hook-locals both ways on one frame with 10,000 variables and
#   10,000-item containers (samples/wide.py);
# - py-hook-tasks (--locals) on 1000 asyncio tasks, and py-hook-bt --all
#   with 100 threads blocked on a lock (samples/manytasks.py);
# - the wall time of the one-shot `py-hook dump PID --locals` at 1000 frames;
# - the idle cost of LD_PRELOAD=libhookhelper.so on a CPU-bound script
#   (CPU time of the whole process);
# - the 1000-frame case again on CPython 3.14 under gdb 18, inside the sid
#   root tests/sidroot.sh makes (when it is there), beside 3.11's.
# Ends with one key=value line; exits non-zero if a session failed.  Not
# part of make check: timings are not tests.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYHOOK_BENCH_PYTHON:-/usr/bin/python3.11}
HELPER="$ROOT/build/libhookhelper.so"
RUNS=${PYHOOK_BENCH_RUNS:-15}
SID_ROOT=${PYHOOK_SID_ROOT:-/var/cache/py-hook/sid}
ENTER=

[ -x "$PY" ] || { echo "bench: $PY is not installed" >&2; exit 1; }
[ -f "$HELPER" ] || { echo "bench: $HELPER is missing: run make" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -z "${bg:-}" ] || kill "$bg" 2>/dev/null' EXIT
export PYHOOK_BENCH_OUT="$tmp/rows"
: >"$PYHOOK_BENCH_OUT"
failed=0

# session CASE SAMPLE ARGS DONE: runs SAMPLE ARGS under gdb with the helper,
# stops at getppid, times the commands in $tmp/spec, checks that the
# program then printed the line DONE.
session() {
    case=$1 sample=$2 args=$3 done=$4
    export PYHOOK_BENCH_SPEC="$tmp/spec"
    $ENTER timeout -k 5 900 env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP \
        gdb -nx -batch \
        -ex 'set breakpoint pending on' -ex 'set pagination off' -ex 'set confirm off' \
        -ex 'set auto-load safe-path /' \
        -ex "set environment LD_PRELOAD=$HELPER" \
        -ex "set args '$ROOT/samples/$sample' $args > '$tmp/program.out' 2>&1" \
        -ex "source $ROOT/gdb/py_hook.py" \
        -ex 'break getppid' -ex run \
        -ex "source $ROOT/bench/bench.py" \
        -ex 'delete' -ex continue \
        "$PY" >"$tmp/gdb.log" 2>&1
    if ! grep -qx "$done" "$tmp/program.out" 2>/dev/null; then
        echo "bench: $case: the program did not print '$done'; gdb's last lines:" >&2
        tail -n 20 "$tmp/gdb.log" >&2
        failed=1
    fi
}

spec() { # spec CASE RUNS COMMAND...: the commands to time
    c=$1 r=$2
    shift 2
    for command in "$@"; do
        printf '%s\t%s\t%s\n' "$c" "$r" "$command"
    done >>"$tmp/spec"
}

for depth in 10 1000 5000; do
    : >"$tmp/spec"
    spec "$depth" "$RUNS" py-hook-bt "py-hook-bt --memory" "py-hook-bt --full" "py-hook-bt --full --memory"
    if [ "$depth" = 1000 ]; then
        # py-bt takes seconds a run: three runs.
        spec "$depth" 3 py-bt py-bt-full
    fi
    session "$depth frames" stack.py "$depth" "stack done $depth"
done

: >"$tmp/spec"
spec wide "$RUNS" py-hook-locals "py-hook-locals --memory"
session "wide frame" wide.py "" "wide done 10000"

# The same 1000 frames on 3.14 (gdb 18, with python3.14-dbg), in the sid
# root; $tmp is under /tmp, which the root shares.
if [ -x "$SID_ROOT/usr/bin/python3.14" ]; then
    : >"$tmp/spec"
    spec "1000 3.14" "$RUNS" py-hook-bt "py-hook-bt --memory" "py-hook-bt --full" \
        "py-hook-bt --full --memory"
    PY_HOST=$PY
    PY=/usr/bin/python3.14 ENTER="sh $ROOT/tests/inroot.sh $SID_ROOT"
    session "1000 frames on 3.14" stack.py 1000 "stack done 1000"
    PY=$PY_HOST ENTER=
else
    echo "bench: no sid root at $SID_ROOT (make check makes it): no 3.14 rows" >&2
fi

# asyncio tasks and blocked threads (issue 12): 1000 tasks, 3 coroutines
# deep each, and 100 threads waiting for one Lock.
: >"$tmp/spec"
spec tasks 5 py-hook-tasks "py-hook-tasks --locals" "py-hook-bt --all"
session "1000 tasks" manytasks.py "1000 100" "manytasks done 1000 100"

# The one-shot dump, of a process sleeping 1000 frames deep (no helper).
"$PY" "$ROOT/samples/stack.py" 1000 600 >"$tmp/dump.out" 2>&1 &
bg=$!
for _ in $(seq 200); do grep -q '^ready$' "$tmp/dump.out" && break; sleep 0.05; done
dumps=""
for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$ROOT/bin/py-hook" dump "$bg" --locals >"$tmp/dump.txt" 2>&1 || failed=1
    dumps="$dumps $(( ($(date +%s%N) - start) / 1000 ))"
done
lines=$(grep -c '^#' "$tmp/dump.txt")
kill "$bg" 2>/dev/null
bg=
printf 'dump\tpy-hook dump PID --locals\twall-us%s\t%s\n' "$dumps" "$lines" >>"$PYHOOK_BENCH_OUT"

# Idle cost: a CPU-bound script, with and without the helper preloaded,
# alternating, the CPU time of each whole process (bench/idle.py).
"$PY" "$ROOT/bench/idle.py" "$PY" "$HELPER" 15 >>"$PYHOOK_BENCH_OUT" || failed=1

"$PY" "$ROOT/bench/report.py" "$PYHOOK_BENCH_OUT" || failed=1
exit "$failed"
