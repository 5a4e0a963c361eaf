#!/usr/bin/env bats
# What each blocked thread waits for, in py-hook-bt --all, and threads that
# wait for each other named in one paragraph (issue 12, items 3 and 4);
# read from memory and native stacks, so core files too.

load helper

@test "py-hook-bt --all says what each thread waits for: time.sleep, a Lock, Queue.get, Event.wait; the program ends normally" {
    gdb_session "$(sample waits.py)" <<'EOF'
break getppid
run
py-hook-bt --all
delete
continue
EOF
    assert_success
    refute_traceback
    assert_line '    waiting for: time.sleep() in `time.sleep(0.05)`'
    assert_line "    waiting for: Lock 'lock' (a Lock records no owner)"
    assert_line "    waiting for: Queue.get() on Queue 'jobs' (a global) (0 items)"
    assert_line "    waiting for: Event.wait() on Event 'event' (a global) (not set)"
    # The thread that computes, and main, wait for nothing.
    [ "$(grep -c '^    waiting for: ' <<<"$output")" -eq 4 ] || fail "not 4 waits"
    refute_output --partial "Deadlock"
    assert_equal "$(program_output)" "waits done 5"
}

DEADLOCK_DONE="one gave up on second
two got first
joiner saw two end
deadlock done"

check_deadlock() {
    assert_line --regexp "^    waiting for: RLock 'second', held by Thread 3 \(LWP [0-9]+\) \"two\"$"
    assert_line --regexp "^    waiting for: RLock 'first', held by Thread 2 \(LWP [0-9]+\) \"one\"$"
    assert_line --regexp '^    waiting for: Thread\.join\(\) of Thread 3 \(LWP [0-9]+\) "two"$'
    assert_line --regexp '^#0  .*/deadlock\.py:24 in one$'
    assert_line --regexp '^#0  .*/deadlock\.py:34 in two$'
    assert_line --regexp '^Deadlock: Thread 2 \(LWP [0-9]+\) "one" waits for RLock '"'second'"', held by Thread 3 \(LWP [0-9]+\) "two", which waits for RLock '"'first'"', held by Thread 2 \(LWP [0-9]+\) "one"\. None of these 2 threads can go on\.$'
    [ "$(grep -c '^Deadlock: ' <<<"$output")" -eq 1 ] || fail "the cycle was not named once"
}

@test "two threads deadlocked on two RLocks (acquire() and with), a third in Thread.join: each wait with the RLock's owner, and the cycle named" {
    gdb_session "$(sample deadlock.py)" <<'EOF'
break getppid
run
py-hook-bt --all
delete
continue
EOF
    assert_success
    refute_traceback
    check_deadlock
    assert_equal "$(program_output)" "$DEADLOCK_DONE"
}

@test "the same deadlock in a core file" {
    gdb_session "$(sample deadlock.py)" <<EOF
break getppid
run
gcore $BATS_TEST_TMPDIR/core
kill
EOF
    [ -s "$BATS_TEST_TMPDIR/core" ] || fail "gcore made no core file"
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-bt --all" "$PY" "$BATS_TEST_TMPDIR/core"
    refute_traceback
    check_deadlock
}
