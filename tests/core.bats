#!/usr/bin/env bats
# Core files: py-hook-status, py-hook-bt (--all, --full), py-hook-frame and
# py-hook-locals read them; py-hook-set and py-hook-inject answer that a core
# cannot be changed, and no setting changes.

load helper

# core_session CORE FRAME: gdb on the interpreter and CORE, each command of
# py-hook's run once (py-hook-frame FRAME), the scheduler-locking setting
# shown before and after.
core_session() {
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "show scheduler-locking" -ex py-hook-status \
        -ex py-hook-bt -ex "py-hook-bt --full" -ex "py-hook-bt --all --full" -ex py-hook-locals \
        -ex "py-hook-frame $2" -ex "py-hook-set a 5" -ex py-hook-inject -ex "show scheduler-locking" \
        "$PY" "$1"
}

check_core_answers() {
    refute_traceback
    assert_line --regexp "^Python: CPython $("$PY" -c 'import sys; print(sys.version.split()[0])'), "
    assert_line --partial "Interpreter: initialized, not finalizing"
    assert_line --regexp '^  \* 1 +[0-9]+ +\S* +yes +holds it$'
    assert_line --regexp "^Selected thread 1: this is a core file: py-hook reads its memory \(this status\) but cannot call into it or change it\.$"
    [ "$(grep -c '^py-hook: this is a core file, a snapshot of process [0-9]*: ' <<<"$stderr")" -eq 2 ] ||
        fail "set and inject did not answer with the core-file line"
    [ "$(grep -c '^py-hook: read from memory: this is a core file$' <<<"$output")" -eq 4 ] ||
        fail "bt, locals and frame did not read the core's memory"
    assert_line --regexp '^Thread 1 \(LWP [0-9]+\)( "[^"]+")?: holds the GIL$'
    [ "$(grep -c '^Mode for locking scheduler during execution is "replay".$' <<<"$output")" -eq 2 ] ||
        fail "scheduler-locking changed"
}

@test "a core file made with gcore at a breakpoint: status, bt (--all, --full), frame and locals read it, thread names too; set and inject say a core cannot be changed" {
    gdb_session "$(sample threads.py)" <<EOF
break getppid
run
gcore $BATS_TEST_TMPDIR/core
kill
EOF
    [ -s "$BATS_TEST_TMPDIR/core" ] || fail "gcore made no core file"
    core_session "$BATS_TEST_TMPDIR/core" 0
    check_core_answers
    assert_line --regexp '^  \* 1 +[0-9]+ +MainThread +yes +holds it$'
    assert_line --regexp '^    [0-9]+ +[0-9]+ +sleeper-with-a-long-name +yes +'
    assert_line "#0  $(sample threads.py):36 in <module>"
    assert_line --regexp '^Thread 3 \(LWP [0-9]+\) "sleeper-with-a-long-name": (released|waits for) the GIL'
    assert_line --regexp '^#0  .*/threads.py:29 in sleeper$'
    assert_line --regexp '^Thread 2 \(LWP [0-9]+\)( "[^"]*")?: native \(no Python thread state\)$'
}

@test "a core file of a real crash (SIGSEGV in a C call): the crashing frames and their variables are read; set and inject say a core cannot be changed" {
    gdb_session "$(sample crash.py)" <<EOF
run
gcore $BATS_TEST_TMPDIR/core
kill
EOF
    assert_output --partial "SIGSEGV"
    [ -s "$BATS_TEST_TMPDIR/core" ] || fail "gcore made no core file"
    core_session "$BATS_TEST_TMPDIR/core" 1
    check_core_answers
    local file
    file="$(sample crash.py)"
    # ctypes.string_at, a Python function, made the C call that crashed.
    assert_line --regexp '^#0  .*/ctypes/__init__.py:[0-9]+ in string_at$'
    assert_line "#1  $file:12 in main"
    assert_line "#2  $file:16 in <module>"
    assert_line "ptr = 0  (int, arg)"
    assert_line "    a = 1  (int)"
    assert_line "    label = 'crash'  (str, len 5)"
    assert_line "Hooked at $file:12 in main()"
}
