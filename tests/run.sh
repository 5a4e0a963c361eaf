#!/bin/bash
# Runs the Bats suite: tests/*.bats once per Python interpreter, and
# tests/once/*.bats (interpreter-independent) once, PYHOOK_JOBS suites at a
# time (default 2, one per core of the machines it runs on: every test runs
# gdb and a program, so more would only make them wait for each other).
# Prints each suite's TAP output as it ends (with how long it took), a
# summary per interpreter, and ends with the line
# `N passed, N failed, N skipped`.
#
# Interpreters: the arguments, else $PYTHONS, else Debian's python3.11 (with
# its debug symbols, and again as without python3.11-dbg: PATH:nodebug),
# its debug build python3.11d, and pyenv's 3.11.7, 3.12.1 and 3.13.0, all
# under this machine's gdb; and python3.14, python3.14d, python3.15 and
# python3.15d under gdb 18 inside a Debian sid root (sid:PATH: bats runs
# chrooted there, tests/sidroot.sh makes the root, tests/inroot.sh enters
# it).  The default list starts with the longest suites (the debug builds
# and debug symbols, which gdb spends most time reading), so that the
# short ones fill the end.  The sid root is made in the background while
# host suites run; a sid suite waits for it while later host suites go
# ahead.  One that is not installed, or a root that cannot be made, is
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
    set -- sid:/usr/bin/python3.14d sid:/usr/bin/python3.15d /usr/bin/python3.11 \
        /usr/bin/python3.11d "$pyenv_root/versions/3.12.1/bin/python3" \
        "$pyenv_root/versions/3.13.0/bin/python3" "$pyenv_root/versions/3.11.7/bin/python3" \
        sid:/usr/bin/python3.14:nodebug sid:/usr/bin/python3.15:nodebug \
        /usr/bin/python3.11:nodebug
fi
SID_ROOT=${PYHOOK_SID_ROOT:-/var/cache/py-hook/sid}

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
total_pass=0 total_fail=0 total_skip=0
labels=()  # by suite number: what the summary calls it
started=$(date +%s)

# skip N LABEL REASON: suite N is not run; the summary says why.
skip() {
    labels[$1]=$2
    echo "$2: skipped ($3)" >"$results/sum.$1"
    total_skip=$((total_skip + 1))
}

# running: how many suites run now.
running() {
    local n count=0
    for n in "${!labels[@]}"; do
        [ ! -e "$results/tap.$n" ] || [ -e "$results/end.$n" ] || count=$((count + 1))
    done
    echo "$count"
}

# launch N LABEL PYTHON ROOT DEBUG FILES...: starts bats on FILES in the
# background, chrooted into ROOT unless it is empty, with gdb's debug files
# as DEBUG says (see debug_env); its TAP goes to a file, and a file marks
# its end.
launch() {
    local n=$1 label=$2 py=$3 root=$4 debug=$5
    shift 5
    local -a enter=()
    [ -z "$root" ] || enter=(sh "$ROOT/tests/inroot.sh" "$root")
    labels[$n]=$label
    echo "# started: $label"
    : >"$results/tap.$n"
    (local_start=$(date +%s)
        env PYHOOK_PYTHON="$py" $(debug_env "$debug") "${enter[@]}" bats --tap "$@" \
            >"$results/tap.$n" 2>&1
        echo "# finished: $label, $(($(date +%s) - local_start)) s"
        : >"$results/end.$n") &
}

# The debug files gdb sees in a suite: the interpreter's own (python3.X-dbg)
# or, for a run without its debug symbols, none; glibc's (libc6-dbg) only
# in the tests that ask for them (with_libc_symbols in helper.bash), since
# loading them costs every gdb 0.2 s and users mostly lack them.  Made once
# per place (host, sid): a suite running on them must not see them rebuilt.
# make_debug_dirs PLACE ENTER PYTHON_PACKAGES...
make_debug_dirs() {
    local place=$1 enter=$2 dir="$ROOT/build/debug/$1"
    shift 2
    $enter sh "$ROOT/tests/debugdir.sh" "$dir-python" "$@" &&
        $enter sh "$ROOT/tests/debugdir.sh" "$dir-python-libc" "$@" libc6-dbg &&
        $enter sh "$ROOT/tests/debugdir.sh" "$dir-none" &&
        $enter sh "$ROOT/tests/debugdir.sh" "$dir-libc" libc6-dbg
}

# debug_env PLACE:python or PLACE:none: the environment helper.bash reads.
debug_env() {
    local dir="$ROOT/build/debug/${1%:*}"
    if [ "${1#*:}" = none ]; then
        echo "PYHOOK_NODEBUG_DIR=$dir-none PYHOOK_LIBC_DEBUG_DIR=$dir-libc"
    else
        echo "PYHOOK_DEBUG_DIR=$dir-python PYHOOK_LIBC_DEBUG_DIR=$dir-python-libc"
    fi
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
    echo "$label: $((pass + fail + skip)) tests, $pass passed, $fail failed, $skip skipped" >"$results/sum.$1"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skip))
}

# The sid root is made (or found made) in the background while the host's
# suites run: debootstrap on a new machine takes minutes.
sid_state=none  # none, making, ready, or failed
for entry in "$@"; do
    if [ "${entry#sid:}" != "$entry" ]; then
        (sh "$ROOT/tests/sidroot.sh" "$SID_ROOT" >"$results/sid.out" 2>"$results/sid.err"
            echo $? >"$results/sid.rc") &
        sid_state=making
        break
    fi
done

# report_ended: shows and counts each suite that has ended since last asked.
report_ended() {
    local n
    for n in "${!labels[@]}"; do
        if [ -e "$results/end.$n" ] && [ ! -e "$results/sum.$n" ]; then
            count "$n"
        fi
    done
}

# sid_poll: moves sid_state on once the root is made; with WAIT, waits for it.
sid_poll() {
    [ "$sid_state" = making ] || return 0
    while [ ! -s "$results/sid.rc" ]; do
        [ "${1:-}" = wait ] || return 0
        sleep 1
    done
    cat "$results/sid.out"
    if [ "$(cat "$results/sid.rc")" = 0 ]; then
        sid_state=ready
    else
        sid_state=failed
    fi
}

# start N ENTRY: launches suite N for ENTRY (PATH, PATH:nodebug, sid:PATH,
# sid:PATH:nodebug, or once), or records why it is skipped.
host_debug=
sid_debug=
start() {
    local n=$1 entry=$2 py nodebug= kind=python label version gdbv
    if [ -z "$host_debug" ]; then
        host_debug=ok
        make_debug_dirs host "" python3.11-dbg || host_debug=failed
    fi
    if [ "$entry" = once ]; then
        launch "$n" "interpreter-independent" /usr/bin/python3.11 "" host:python "$ROOT"/tests/once/*.bats
        return
    fi
    py=${entry%:nodebug}
    [ "$py" = "$entry" ] || { nodebug=yes; kind=none; }
    if [ "${py#sid:}" != "$py" ]; then
        py=${py#sid:}
        label="python $py in the sid root"
        [ -z "$nodebug" ] || label="python $py in the sid root, without its debug symbols"
        if [ "$sid_state" = failed ]; then
            skip "$n" "$label" "no Debian sid root: $(tr '\n' ' ' <"$results/sid.err")"
            return
        fi
        if [ ! -x "$SID_ROOT$py" ]; then
            skip "$n" "$label" "not installed in $SID_ROOT"
            return
        fi
        if [ -z "$sid_debug" ]; then
            sid_debug=ok
            make_debug_dirs sid "sh $ROOT/tests/inroot.sh $SID_ROOT" python3.14-dbg python3.15-dbg ||
                sid_debug=failed
        fi
        if [ "$sid_debug" = failed ]; then
            skip "$n" "$label" "could not make its debug-file directories (tests/debugdir.sh)"
            return
        fi
        version=$(chroot "$SID_ROOT" "$py" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo "?")
        gdbv=$(chroot "$SID_ROOT" gdb --version 2>/dev/null | sed -n '1s/.* //p')
        launch "$n" "$label ($version, gdb $gdbv)" "$py" "$SID_ROOT" "sid:$kind" \
            "$ROOT"/tests/*.bats
        return
    fi
    label="python $py"
    [ -z "$nodebug" ] || label="python $py without its debug symbols"
    if [ ! -x "$py" ]; then
        skip "$n" "$label" "not installed"
        return
    fi
    if [ "$host_debug" = failed ]; then
        skip "$n" "$label" "could not make its debug-file directories (tests/debugdir.sh)"
        return
    fi
    version=$("$py" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo "?")
    launch "$n" "$label ($version)" "$py" "" "host:$kind" "$ROOT"/tests/*.bats
}

# Suites start in the order given, JOBS at a time; one in the sid root
# waits for the root while later host suites go ahead of it.
entries=("$@" once)
pending=("${!entries[@]}")
while [ ${#pending[@]} -gt 0 ]; do
    while [ "$(running)" -ge "$JOBS" ]; do
        sleep 1
        report_ended
    done
    sid_poll
    picked=
    for i in "${!pending[@]}"; do
        entry=${entries[${pending[$i]}]}
        if [ "${entry#sid:}" = "$entry" ] || [ "$sid_state" != making ]; then
            picked=$i
            break
        fi
    done
    if [ -z "$picked" ]; then
        # Only sid suites are left: wait for the root, or for a free slot.
        if [ "$(running)" -eq 0 ]; then sid_poll wait; else sleep 1; report_ended; fi
        continue
    fi
    start "${pending[$picked]}" "${entries[${pending[$picked]}]}"
    unset 'pending[picked]'
    pending=("${pending[@]}")
done
wait
report_ended

echo
echo "Summary ($(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s, $JOBS suites at a time):"
for n in "${!entries[@]}"; do
    cat "$results/sum.$n"
done
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
