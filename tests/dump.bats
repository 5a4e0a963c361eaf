#!/usr/bin/env bats
# py-hook dump: one-shot stacks of a running process or a core file, read
# from memory; the process is left as it was and runs on.

load helper

PYHOOK="$ROOT/bin/py-hook"

teardown() {
    [ -z "${pid:-}" ] || kill -9 "$pid" 2>/dev/null || true
}

# start_stack DEPTH WAIT: samples/stack.py in the background, without the
# helper; returns once it sleeps at the bottom of its recursion.
start_stack() {
    "$PY" "$(sample stack.py)" "$1" "$2" >"$PROG_OUT" 2>"$PROG_ERR" &
    pid=$!
    for _ in $(seq 300); do
        grep -q '^ready$' "$PROG_OUT" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "stack.py did not reach its wait: $(cat "$PROG_ERR")"
}

dump() {
    run --separate-stderr timeout -k 5 120 "$PYHOOK" dump "$@"
    printf '# py-hook dump %s\n# status: %s\n# stdout:\n%s\n# stderr:\n%s\n' "$*" "$status" "$output" "$stderr"
    [ "$status" -ne 124 ] || fail "py-hook dump timed out"
}

@test "dump PID lists every frame of the running process, --locals their variables; no helper is loaded and the process runs on" {
    start_stack 50 4
    local file
    file="$(sample stack.py)"
    dump "$pid"
    assert_success
    assert_line --regexp "^Thread 1 \\(LWP $pid\\) \"[^\"]+\": released the GIL"
    assert_line "#0  $file:30 in dive"
    assert_line "#49 $file:27 in dive"
    assert_line "#50 $file:35 in main"
    assert_line "#51 $file:40 in <module>"
    [ "$(grep -c '^#' <<<"$output")" -eq 52 ] || fail "not 52 frames"
    refute_output --partial "level ="
    dump "$pid" --locals
    assert_success
    assert_line "    tag = 'level-50'  (str, len 8)"
    assert_line "    items = [1, 49, 'level-1']  (list, len 3)"
    assert_line "    DEPTH = 50  (int)"
    # Nothing of gdb's own chatter, and nothing loaded into the process.
    refute_output --partial "detached"
    refute_output --partial "[Thread debugging"
    ! grep -q libhookhelper "/proc/$pid/maps" || fail "the helper got loaded"
    wait_for_end 30
    assert_equal "$(program_output)" "$(printf 'ready\nstack done 50')"
}

@test "dump --all also lists the native thread; thread names and GIL states are shown" {
    WAITS_HOLD=30 "$PY" "$(sample waits.py)" >"$PROG_OUT" 2>"$PROG_ERR" &
    pid=$!
    sleep 1.5
    dump "$pid" --all
    assert_success
    assert_line --regexp '^Thread [0-9]+ \(LWP [0-9]+\) "sleeper": (released|waits for|hands) the GIL'
    assert_line --regexp '^#0  .*/waits.py:30 in sleeper$'
    kill "$pid"
    pid=
}

@test "dump --core reads a core file from gcore and one from a crash, without debug information" {
    gdb_session "$(sample threads.py)" <<EOF
break getppid
run
gcore $BATS_TEST_TMPDIR/core.threads
kill
EOF
    gdb_session "$(sample crash.py)" <<EOF
run
gcore $BATS_TEST_TMPDIR/core.crash
kill
EOF
    dump --core "$BATS_TEST_TMPDIR/core.threads" "$PY" --all
    assert_success
    assert_line "#0  $(sample threads.py):36 in <module>"
    assert_line --regexp '^Thread 2 \(LWP [0-9]+\)( "[^"]*")?: native \(no Python thread state\)$'
    assert_line --regexp '^#0  .*/threads.py:29 in sleeper$'
    dump --core "$BATS_TEST_TMPDIR/core.crash" "$PY" --locals
    assert_success
    assert_line "#1  $(sample crash.py):12 in main"
    assert_line "    label = 'crash'  (str, len 5)"
}

@test "dump: bad arguments, a process that is not Python, and a missing core get one clear line each" {
    dump
    assert_failure 2
    [[ "$stderr" == "py-hook: dump needs a PID or --core CORE PYTHON: "* ]] || fail "no missing-PID error"
    dump 12x
    assert_failure 2
    [[ "$stderr" == *"'12x' is not a process id"* ]] || fail "no bad-PID error"
    dump 1 --core x y
    assert_failure 2
    [[ "$stderr" == *"not both"* ]] || fail "no PID-and-core error"
    dump 1 --globals
    assert_failure 2
    [[ "$stderr" == *"--globals goes with --locals"* ]] || fail "no --globals error"
    dump --core "$BATS_TEST_TMPDIR/nothing" "$PY"
    assert_failure 2
    [[ "$stderr" == *"no core file"* ]] || fail "no missing-core error"
    sleep 60 &
    pid=$!
    dump "$pid"
    assert_failure 1
    [[ "$stderr" == *"the process has no Py_Version symbol (not CPython 3.11+)"* ]] || fail "not told it is not Python"
    [ "$(grep -c . <<<"$stderr")" -eq 1 ] || fail "more than one line of error"
    kill -0 "$pid" || fail "the process did not survive the dump"
}
