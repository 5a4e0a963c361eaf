#!/bin/sh
# make bench: times py-hook-bt (plain and --full) against CPython's py-bt on
# samples/deep.py, stopped 1000 Python frames deep.  One gdb session; the
# timing runs in gdb's Python (bench/bench.py).  Prints a table and exits
# non-zero if the session failed, a count was wrong or the program did not
# finish with its done line.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3.11
HELPER="$ROOT/build/libhookhelper.so"

[ -x "$PY" ] || { echo "bench: $PY is not installed" >&2; exit 1; }
[ -f "$HELPER" ] || { echo "bench: $HELPER is missing: run make" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PYHOOK_BENCH_TABLE="$tmp/table"

# The program's own output goes to a file (gdb runs it through a shell), so
# its done line can be checked apart from gdb's.  PYTHON* variables are
# dropped so neither gdb's Python nor the target picks up a foreign setup.
timeout -k 5 600 env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP \
    gdb -nx -batch \
    -ex 'set breakpoint pending on' -ex 'set pagination off' -ex 'set confirm off' \
    -ex "set environment LD_PRELOAD=$HELPER" \
    -ex "set args '$ROOT/samples/deep.py' > '$tmp/program.out' 2>&1" \
    -ex "source $ROOT/gdb/py_hook.py" \
    -ex 'break getppid' -ex run \
    -ex "source $ROOT/bench/bench.py" \
    -ex continue \
    "$PY" >"$tmp/gdb.log" 2>&1
status=$?

failed=0
if [ -f "$PYHOOK_BENCH_TABLE" ]; then
    cat "$PYHOOK_BENCH_TABLE"
    grep -q '^FAIL' "$PYHOOK_BENCH_TABLE" && failed=1
else
    echo "bench: no timings: bench/bench.py did not finish" >&2
    failed=1
fi
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "bench: gdb timed out after 600 s" >&2
    failed=1
fi
if ! grep -qx 'deep done 1000' "$tmp/program.out" 2>/dev/null; then
    echo "bench: samples/deep.py did not print 'deep done 1000'" >&2
    failed=1
fi
if [ "$failed" -ne 0 ]; then
    echo "bench: FAILED; gdb's output (last 30 lines):" >&2
    tail -n 30 "$tmp/gdb.log" >&2
    exit 1
fi
