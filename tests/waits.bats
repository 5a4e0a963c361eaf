#!/usr/bin/env bats
# What each blocked thread waits for, in py-hook-bt --all, and threads that
# wait for each other named in one paragraph (issue 12, items 3 and 4);
# read from memory and native stacks, so core files too.

load helper

# bt_all SAMPLE: SAMPLE stopped at its os.getppid(), py-hook-bt --all, then
# the program runs to its end.
bt_all() {
    gdb_session "$(sample "$1")" < <(printf '%s\n' "break getppid" run "py-hook-bt --all" delete continue)
}

@test "py-hook-bt --all says what each thread waits for: time.sleep, a Lock, Queue.get, Event.wait; the program ends normally" {
    bt_all waits.py
    assert_success
    refute_traceback
    assert_line '    waiting for: a sleep in `time.sleep(naps.pop() if naps else 0.05)`'
    assert_line '    waiting for: Lock `lock` (a Lock records no owner)'
    assert_line '    waiting for: Queue.get() on Queue `jobs` (a global) (0 items)'
    assert_line '    waiting for: Event.wait() on Event `event` (a global) (not set)'
    # The thread that computes, and main, wait for nothing.
    [ "$(grep -c '^    waiting for: ' <<<"$output")" -eq 4 ] || fail "not 4 waits"
    refute_output --partial "Deadlock"
    assert_equal "$(program_output)" "waits done 5"
}

DEADLOCK_DONE="one gave up on second
two got first
joiner saw two end
deadlock done"

# check_deadlock FOREVER: the listing of samples/deadlock.py at its stop;
# with FOREVER "yes", "one" waits without a timeout (DEADLOCK_FOREVER=1).
check_deadlock() {
    local timeout=' \(timeout 4 s\)' end='It lasts until the timeout 4 s of Thread 2 \(LWP [0-9]+\) "one" runs out\.'
    if [ "$1" = yes ]; then
        timeout='' end='None of these 2 threads can go on\.'
    fi
    assert_line --regexp "^    waiting for: RLock \`second\`, held by Thread 3 \(LWP [0-9]+\) \"two\"$timeout\$"
    assert_line --regexp '^    waiting for: RLock `first`, held by Thread 2 \(LWP [0-9]+\) "one"$'
    assert_line --regexp '^    waiting for: Thread\.join\(\) of Thread 3 \(LWP [0-9]+\) "two"$'
    assert_line --regexp '^#0  .*/deadlock\.py:27 in one$'
    assert_line --regexp '^#0  .*/deadlock\.py:37 in two$'
    # Without CPython's debug information the locks come from the source,
    # and the paragraph says so.
    local hedge=''
    [ -z "${PYHOOK_NODEBUG_DIR:-}" ] ||
        hedge=" \\(Without CPython's debug information, py-hook found the locks from the current value of \`second\` and \`first\` in the source; if the program rebinds them, check\\.\\)"
    assert_line --regexp '^Deadlock: Thread 2 \(LWP [0-9]+\) "one" waits for RLock `second`, held by Thread 3 \(LWP [0-9]+\) "two", which waits for RLock `first`, held by Thread 2 \(LWP [0-9]+\) "one"\. '"$end$hedge"'$'
    [ "$(grep -c '^Deadlock: ' <<<"$output")" -eq 1 ] || fail "the cycle was not named once"
}

@test "two threads deadlocked on two RLocks (acquire() and with), a third in Thread.join: each wait with the RLock's owner, and the cycle named" {
    bt_all deadlock.py
    assert_success
    refute_traceback
    check_deadlock no
    assert_equal "$(program_output)" "$DEADLOCK_DONE"
}

@test "a deadlock for good (no timeout) in a core file: the cycle named, no way out" {
    gdb_session "$(sample deadlock.py)" <<EOF
set environment DEADLOCK_FOREVER=1
break getppid
run
gcore $BATS_TEST_TMPDIR/core
kill
EOF
    [ -s "$BATS_TEST_TMPDIR/core" ] || fail "gcore made no core file"
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-bt --all" "$PY" "$BATS_TEST_TMPDIR/core"
    refute_traceback
    check_deadlock yes
}

@test "hard waits: the second item of a with, a pure-Python RLock, entering a Condition, SimpleQueue.get, a child process, a socket, select, a form feed above in the file, a lock expression that no longer gives the lock" {
    bt_all threadtricks.py
    assert_success
    refute_traceback
    assert_line --regexp '^    waiting for: RLock `held`, held by Thread 1 \(LWP [0-9]+\) "MainThread"$'
    assert_line --regexp '^    waiting for: RLock `pyheld` \(a global\) \(pure-Python\), held by Thread 1 \(LWP [0-9]+\) "MainThread"$'
    assert_line --regexp '^    waiting for: the lock of Condition `cond` \(a global\), entering it, held by Thread 1 \(LWP [0-9]+\) "MainThread"$'
    assert_line '    waiting for: SimpleQueue.get() on SimpleQueue `sq`'
    assert_line '    waiting for: a wait for a child process in `os.waitpid(self.pid, wait_flags)`'
    assert_line '    waiting for: a socket call in `near.recv(1)`'
    assert_line '    waiting for: select/poll in `select.select([rfd], [], [])`'
    if [ -n "${PYHOOK_NODEBUG_DIR:-}" ]; then
        # Without CPython's debug information the lock is the expression's
        # value, which main has replaced with a free RLock: not claimed.
        assert_line '    waiting for: a lock in `box.lock` (`box.lock` is an RLock that is not held now, so it is not the lock this thread waits for)'
    else
        # With it, the C function's own 'self' (3.15's release build: the
        # RLock whose PyMutex the thread waits on): the lock really waited on.
        assert_line --regexp '^    waiting for: RLock `held` \(a global\), held by Thread 1 \(LWP [0-9]+\) "MainThread"$'
    fi
    [ "$(grep -c '^    waiting for: ' <<<"$output")" -eq 8 ] || fail "not 8 waits"
    refute_output --partial "Deadlock"
    assert_equal "$(program_output)" "threadtricks done"
}
