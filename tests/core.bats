#!/usr/bin/env bats
# Core files: py-hook-status reads them; every other command answers with one py-hook line and changes no setting.

load helper

# core_session CORE: gdb on the interpreter and CORE, each command of
# py-hook's run once, the scheduler-locking setting shown before and after.
core_session() {
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "show scheduler-locking" -ex py-hook-status \
        -ex py-hook-bt -ex "py-hook-bt --full" -ex py-hook-locals -ex "py-hook-frame 1" \
        -ex "py-hook-set a 5" -ex py-hook-inject -ex "show scheduler-locking" "$PY" "$1"
}

check_core_answers() {
    refute_traceback
    assert_line --regexp "^Python: CPython $("$PY" -c 'import sys; print(sys.version.split()[0])'), "
    assert_line --partial "Interpreter: initialized, not finalizing"
    assert_line --regexp '^  \* 1 +[0-9]+ +\S* +yes +holds it$'
    assert_line --regexp "^Selected thread 1: this is a core file: py-hook reads its memory \(this status\) but cannot call into it or change it\.$"
    [ "$(grep -c '^py-hook: this is a core file, a snapshot of process [0-9]*: ' <<<"$stderr")" -eq 6 ] ||
        fail "not every command answered with the core-file line"
    [ "$(grep -c '^Mode for locking scheduler during execution is "replay".$' <<<"$output")" -eq 2 ] ||
        fail "scheduler-locking changed"
}

@test "a core file made with gcore at a breakpoint: status reads it, Python's thread names too; the other commands say a core cannot be changed" {
    gdb_session "$(sample threads.py)" <<EOF
break getppid
run
gcore $BATS_TEST_TMPDIR/core
kill
EOF
    [ -s "$BATS_TEST_TMPDIR/core" ] || fail "gcore made no core file"
    core_session "$BATS_TEST_TMPDIR/core"
    check_core_answers
    assert_line --regexp '^  \* 1 +[0-9]+ +MainThread +yes +holds it$'
    assert_line --regexp '^    [0-9]+ +[0-9]+ +sleeper-with-a-long-name +yes +'
}

@test "a core file of a real crash (SIGSEGV in a C call): status reads it, the other commands say a core cannot be changed" {
    gdb_session "$(sample crash.py)" <<EOF
run
gcore $BATS_TEST_TMPDIR/core
kill
EOF
    assert_output --partial "SIGSEGV"
    [ -s "$BATS_TEST_TMPDIR/core" ] || fail "gcore made no core file"
    core_session "$BATS_TEST_TMPDIR/core"
    check_core_answers
}
