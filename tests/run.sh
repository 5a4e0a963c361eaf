#!/bin/sh
# Runs the Bats suite: tests/*.bats once per Python interpreter, then
# tests/once/*.bats (interpreter-independent) once.  Prints a summary per
# interpreter and ends with the line `N passed, N failed, N skipped`.
#
# Interpreters: the arguments, else $PYTHONS, else Debian's python3.11 (with
# its debug symbols, and again as without python3.11-dbg: PATH:nodebug),
# its debug build python3.11d, and pyenv's 3.11.7, 3.12.1 and 3.13.0.  One
# that is not installed is reported as skipped, with the reason.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PYHOOK_ROOT="$ROOT"

if [ $# -gt 0 ]; then
    set -- "$@"
elif [ -n "${PYTHONS:-}" ]; then
    set -- $PYTHONS
else
    pyenv_root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    set -- /usr/bin/python3.11 /usr/bin/python3.11:nodebug /usr/bin/python3.11d \
        "$pyenv_root/versions/3.11.7/bin/python3" "$pyenv_root/versions/3.12.1/bin/python3" \
        "$pyenv_root/versions/3.13.0/bin/python3"
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
summary="$results/summary"
: >"$summary"
total_pass=0 total_fail=0 total_skip=0

# run_suite LABEL FILES...: runs bats in TAP mode, shows its output, counts.
run_suite() {
    label=$1
    shift
    tap="$results/tap"
    bats --tap "$@" 2>&1 | tee "$tap"
    pass=$(grep -c '^ok .*# skip' "$tap")
    skip=$pass
    pass=$(($(grep -c '^ok ' "$tap") - skip))
    fail=$(grep -c '^not ok ' "$tap")
    planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n 1)
    ran=$((pass + fail + skip))
    if [ -n "$planned" ] && [ "$ran" -lt "$planned" ]; then
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
    label="python $py"
    if [ "$py" != "$entry" ]; then
        nodebug="$ROOT/build/nodebug"
        label="python $py without its debug symbols"
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
    echo "# ---- tests/*.bats with $label (Python $version)"
    PYHOOK_PYTHON="$py" PYHOOK_NODEBUG_DIR="$nodebug" run_suite "$label ($version)" "$ROOT"/tests/*.bats
done

echo "# ---- tests/once/*.bats (interpreter-independent)"
PYHOOK_PYTHON=/usr/bin/python3.11 run_suite "interpreter-independent" "$ROOT"/tests/once/*.bats

echo
echo "Summary:"
cat "$summary"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
