#!/bin/bash
# Runs the Bats suite: tests/*.bats once per Python interpreter, and
# tests/once/*.bats (interpreter-independent) once, PYHOOK_JOBS suites at a
# time (default 2, one per core of the machines it runs on: every test runs
# gdb and a program, so more would only make them wait for each other).
# Prints each suite's TAP output as it ends, a summary per interpreter, and
# ends with the line `N passed, N failed, N skipped`.
#
# Interpreters: the arguments, else $PYTHONS, else Debian's python3.11 (with
# its debug symbols, and again as without python3.11-dbg: PATH:nodebug),
# its debug build python3.11d, and pyenv's 3.11.7, 3.12.1 and 3.13.0, all
# under this machine's gdb; then python3.14, python3.14d, python3.15 and
# python3.15d under gdb 18 inside a Debian sid root (sid:PATH: bats runs
# chrooted there, tests/sidroot.sh makes the root, tests/inroot.sh enters
# it).  One that is not installed, or a root that cannot be made, is
# reported as skipped, with the reason.  Tests
# that signal their program find it by the test directory in its
# environment, so suites on the same interpreter can run side by side.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PYHOOK_ROOT="$ROOT"
JOBS=${PYHOOK_JOBS:-2}

if [ $# -gt 0 ]; then
    set -- "$@"
elif [ -n "${PYTHONS:-}" ]; then
    set -- $PYTHONS
else
    pyenv_root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    set -- /usr/bin/python3.11 /usr/bin/python3.11:nodebug /usr/bin/python3.11d \
        "$pyenv_root/versions/3.11.7/bin/python3" "$pyenv_root/versions/3.12.1/bin/python3" \
        "$pyenv_root/versions/3.13.0/bin/python3" \
        sid:/usr/bin/python3.14:nodebug sid:/usr/bin/python3.14d \
        sid:/usr/bin/python3.15:nodebug sid:/usr/bin/python3.15d
fi
SID_ROOT=${PYHOOK_SID_ROOT:-/var/cache/py-hook/sid}
sid_problem=unchecked

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
summary="$results/summary"
: >"$summary"
total_pass=0 total_fail=0 total_skip=0
labels=()
started=$(date +%s)

# launch LABEL PYTHON NODEBUG_DIR ROOT FILES...: starts bats on FILES in
# the background once fewer than JOBS suites run, chrooted into ROOT unless
# it is empty; its TAP goes to a file.
launch() {
    local label=$1 py=$2 nodebug=$3 root=$4 n=${#labels[@]}
    shift 4
    local -a enter=()
    [ -z "$root" ] || enter=(sh "$ROOT/tests/inroot.sh" "$root")
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
        wait -n
    done
    labels+=("$label")
    echo "# started: $label"
    (PYHOOK_PYTHON="$py" PYHOOK_NODEBUG_DIR="$nodebug" "${enter[@]}" bats --tap "$@" \
        >"$results/tap.$n" 2>&1
        echo "# finished: $label") &
}

# sid_ready: makes the sid root once; sets sid_problem to why it cannot be.
sid_ready() {
    if [ "$sid_problem" = unchecked ]; then
        if sh "$ROOT/tests/sidroot.sh" "$SID_ROOT" 2>"$results/sid.err"; then
            sid_problem=
        else
            sid_problem=$(tr '\n' ' ' <"$results/sid.err")
        fi
    fi
    [ -z "$sid_problem" ]
}

# count N: shows suite N's output and adds its counts to the totals.
count() {
    local label=${labels[$1]} tap="$results/tap.$1" pass fail skip planned ran
    echo "# ---- $label"
    cat "$tap"
    skip=$(grep -c '^ok .*# skip' "$tap")
    pass=$(($(grep -c '^ok ' "$tap") - skip))
    fail=$(grep -c '^not ok ' "$tap")
    planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n 1)
    ran=$((pass + fail + skip))
    if [ -z "$planned" ]; then
        # bats did not even start (a syntax error in a test file?): one failure.
        fail=$((fail + 1))
    elif [ "$ran" -lt "$planned" ]; then
        # bats died part-way: count what never reported as failed.
        fail=$((fail + planned - ran))
    fi
    echo "$label: $((pass + fail + skip)) tests, $pass passed, $fail failed, $skip skipped" >>"$summary"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skip))
}

for entry in "$@"; do
    py=${entry%:nodebug}
    nodebug=
    root=
    label="python $py"
    if [ "$py" != "$entry" ]; then
        nodebug="$ROOT/build/nodebug"
        label="python $py without its debug symbols"
    fi
    if [ "${py#sid:}" != "$py" ]; then
        py=${py#sid:}
        label="python $py in the sid root"
        [ -z "$nodebug" ] || label="python $py in the sid root, without its debug symbols"
        if ! sid_ready; then
            echo "$label: skipped (no Debian sid root: $sid_problem)" >>"$summary"
            total_skip=$((total_skip + 1))
            continue
        fi
        root=$SID_ROOT
        if [ ! -x "$root$py" ]; then
            echo "$label: skipped (not installed in $root)" >>"$summary"
            total_skip=$((total_skip + 1))
            continue
        fi
        if [ -n "$nodebug" ]; then
            nodebug="$ROOT/build/nodebug-sid"
            if ! sh "$ROOT/tests/inroot.sh" "$root" sh "$ROOT/tests/nodebug.sh" "$nodebug" \
                python3.14-dbg python3.15-dbg; then
                echo "$label: skipped (could not build a debug-file directory without python3.X-dbg)" >>"$summary"
                total_skip=$((total_skip + 1))
                continue
            fi
        fi
        version=$(chroot "$root" "$py" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo "?")
        gdbv=$(chroot "$root" gdb --version 2>/dev/null | sed -n '1s/.* //p')
        launch "$label ($version, gdb $gdbv)" "$py" "$nodebug" "$root" "$ROOT"/tests/*.bats
        continue
    fi
    if [ ! -x "$py" ]; then
        echo "$label: skipped (not installed)" >>"$summary"
        total_skip=$((total_skip + 1))
        continue
    fi
    if [ -n "$nodebug" ] && ! sh "$ROOT/tests/nodebug.sh" "$nodebug"; then
        echo "$label: skipped (could not build a debug-file directory without python3.11-dbg)" >>"$summary"
        total_skip=$((total_skip + 1))
        continue
    fi
    version=$("$py" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo "?")
    launch "$label ($version)" "$py" "$nodebug" "" "$ROOT"/tests/*.bats
done
launch "interpreter-independent" /usr/bin/python3.11 "" "" "$ROOT"/tests/once/*.bats
wait

for n in "${!labels[@]}"; do
    count "$n"
done

echo
echo "Summary ($(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s, $JOBS suites at a time):"
cat "$summary"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
