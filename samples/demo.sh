#!/bin/sh
# make demo: the seed scenario under gdb, non-interactively, as a transcript.
# main() sets a = 1 and reaches a native stop (getppid); py-hook sets a to
# 1000 there, and after `continue` the program prints 1000, 1001, 101.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3.11
HELPER="$ROOT/build/libhookhelper.so"
[ -x "$PY" ] || { echo "demo: $PY is missing: apt-get install python3.11 (make deps does it as root)" >&2; exit 1; }
[ -f "$HELPER" ] || { echo "demo: $HELPER is missing: run make" >&2; exit 1; }

echo "\$ gdb -q --args $PY samples/seed.py"
echo "  (commands are echoed with a leading '+')"
echo
cd "$ROOT" || exit 1
# trace-commands echoes each command before its output, so the transcript
# reads like the interactive session it stands for.
out=$(timeout -k 5 120 env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP \
    gdb -nx -q -batch \
    -ex 'set breakpoint pending on' -ex 'set pagination off' \
    -ex "set environment LD_PRELOAD=$HELPER" \
    -ex "source $ROOT/gdb/py_hook.py" \
    -ex 'set trace-commands on' \
    -ex 'break getppid' -ex 'run' \
    -ex 'py-hook-bt' -ex 'py-hook-frame' -ex 'py-hook-locals' \
    -ex 'py-hook-set a 1000' -ex 'py-hook-locals' \
    -ex 'continue' \
    --args "$PY" samples/seed.py 2>&1)
# Drop gdb's notes about libthread_db and libc's missing sources: noise here.
printf '%s\n' "$out" | grep -v -e '^\[Thread debugging' -e '^Using host libthread_db' \
    -e 'No such file or directory'
expected=$(printf '1000\n1001\n101')
case "$out" in
*"$expected"*) ;;
*) echo "demo: the program did not print 1000, 1001, 101 after the edit" >&2; exit 1 ;;
esac
