#!/usr/bin/env bats
# A call that does not end by itself (call-timeout, Ctrl-C, a SIGINT) is ended the way Python ends code, or unwound with the thread's state put back; the program runs on to its normal end.

load helper

# The outcome most tests below check last: the program ran to its end with
# `a` as the test left it, and its own SIGINT handler never ran.
assert_program_ended() {
    assert_equal "$(program_output)" "$(printf 'a %s\ndone' "$1")"
}

# After the command under test: py-hook stays usable on the same stop.
AFTER=(py-hook-bt py-hook-locals "py-hook-set a 1000" delete continue)

interrupt_session() { # EXPR [gdb commands before py-hook-set...]
    local expr=$1
    shift
    gdb_session "$(sample interrupt.py)" < <(printf '%s\n' "break getppid" run "$@" \
        "py-hook-set a $expr" "${AFTER[@]}")
}

signal_in_call() { # SIGNAL SECONDS
    signal_program_in_call "$1" "$2" interrupt.py
}

@test "an EXPR asleep past call-timeout gets KeyboardInterrupt raised inside it; the same stop stays usable; the program ends normally" {
    interrupt_session '__import__("time").sleep(60)' "set py-hook call-timeout 1"
    refute_traceback
    [[ "$stderr" == *"py-hook: EXPR was still running after 1 s (set py-hook call-timeout), so py-hook raised KeyboardInterrupt inside it (waking it from clock_nanosleep); Python unwound EXPR's frames and the helper returned normally (EXPR raised: KeyboardInterrupt).  Nothing was stored"* ]] ||
        fail "no report of the interruption"
    [[ "$stderr" != *deadlock* ]] || fail "spoke of a deadlock"
    assert_line --regexp '^#0  .*/interrupt.py:[0-9]+ in work$'
    assert_line "a = 1  (int)"
    assert_line "a = 1000  (int)"
    assert_program_ended 1000
}

@test "a bytecode loop in EXPR ends with KeyboardInterrupt between two instructions" {
    interrupt_session '[i for i in range(10**10)]' "set py-hook call-timeout 1"
    refute_traceback
    [[ "$stderr" == *"EXPR was still running after 1 s"*"raised KeyboardInterrupt inside it; Python unwound EXPR's frames"* ]] ||
        fail "not ended the Python way"
    assert_line "a = 1000  (int)"
    assert_program_ended 1000
}

@test "a C loop that never returns to the bytecode loop (sum(range(10**12))) is unwound; the thread's Python state is put back and the program ends normally" {
    interrupt_session 'sum(range(10**12))' "set py-hook call-timeout 1" "set py-hook interrupt-grace 1"
    refute_traceback
    [[ "$stderr" == *"was still running after 1 s (set py-hook call-timeout), in "*"; py-hook raised KeyboardInterrupt inside it, but it did not end within 1 s; gdb unwound it"* ]] ||
        fail "no unwinding report"
    [[ "$stderr" != *"reached no call boundary"* ]] || fail "unwound away from a call boundary"
    [[ "$stderr" == *"py-hook put back the thread's Python state the call had left changed ("*"datastack_top)."* ]] ||
        fail "the thread's state was not put back"
    [[ "$stderr" == *"The thread's Python state (GIL, innermost frame) is as it was before the call."* ]] ||
        fail "no integrity report"
    [[ "$stderr" != *deadlock* ]] || fail "spoke of a deadlock"
    assert_line --regexp '^#0  .*/interrupt.py:[0-9]+ in work$'
    assert_line "a = 1000  (int)"
    assert_program_ended 1000
}

@test "an EXPR waiting on a lock it can never get is unwound, the GIL it released is taken back, and the program ends normally" {
    interrupt_session '(lambda l: (l.acquire(), l.acquire()))(__import__("threading").Lock())' \
        "set py-hook call-timeout 1"
    refute_traceback
    [[ "$stderr" == *"was still running after 1 s (set py-hook call-timeout), waiting on a lock (in "* ]] ||
        fail "the lock wait is not named"
    [[ "$stderr" == *"The helper undid what the call had begun: took back the GIL EXPR had released"* ]] ||
        fail "the GIL was not taken back"
    [[ "$stderr" == *"is as it was before the call."* ]] || fail "no integrity report"
    assert_line "a = 1000  (int)"
    assert_program_ended 1000
}

@test "Ctrl-C (SIGINT sent to the program) during a sleeping EXPR interrupts it; the program's own SIGINT handler never runs" {
    signal_in_call INT 0.5
    interrupt_session "($IN_CALL, __import__('time').sleep(60))"
    refute_traceback
    [[ "$stderr" == *"EXPR was interrupted by SIGINT (Ctrl-C, or a SIGINT sent to the program; not passed to it), so py-hook raised KeyboardInterrupt inside it"* ]] ||
        fail "no report of the SIGINT"
    assert_line "a = 1000  (int)"
    assert_program_ended 1000
}

@test "Ctrl-C on a C loop that ignores KeyboardInterrupt: unwound, and reported as the Ctrl-C it was, not as a timeout" {
    signal_in_call INT 0.5
    interrupt_session "($IN_CALL, sum(range(10**12)))" "set py-hook interrupt-grace 1"
    refute_traceback
    [[ "$stderr" == *"(hook_apply_locals) was interrupted by SIGINT (Ctrl-C, or a SIGINT sent to the program; not passed to it) while in "*"; py-hook raised KeyboardInterrupt inside it, but it did not end within 1 s; gdb unwound it"* ]] ||
        fail "not reported as interrupted by SIGINT"
    [[ "$stderr" != *"reached no call boundary"* ]] || fail "unwound away from a call boundary"
    [[ "$stderr" != *"still running after"* ]] || fail "reported as a timeout"
    assert_line "a = 1000  (int)"
    assert_program_ended 1000
}

@test "signal.raise_signal(SIGINT) in EXPR is stopped by py-hook and never reaches the program" {
    interrupt_session '__import__("signal").raise_signal(2) or 5'
    refute_traceback
    [[ "$stderr" == *"EXPR was interrupted by SIGINT"*"(EXPR raised: KeyboardInterrupt)"* ]] ||
        fail "no report of the SIGINT"
    assert_line "a = 1000  (int)"
    assert_program_ended 1000
}

@test "with 'handle SIGINT nostop noprint pass', a worker thread blocked in EXPR still ends; the user's handling is put back" {
    gdb_session "$(sample interrupt.py)" --worker <<'EOF'
break getppid
run
handle SIGINT nostop noprint pass
set py-hook call-timeout 1
py-hook-set a (lambda l: (l.acquire(), l.acquire()))(__import__("threading").Lock())
info signals SIGINT
py-hook-set a 1000
delete
continue
EOF
    refute_traceback
    [[ "$stderr" == *"was still running after 1 s (set py-hook call-timeout), waiting on a lock"* ]] ||
        fail "not interrupted"
    assert_line --regexp $'^SIGINT +No\tNo\tYes\t'
    assert_line "a = 1000  (int)"
    assert_program_ended 1000
}

@test "a call interrupted while Python frame 1 is selected keeps that selection" {
    gdb_session "$(sample interrupt.py)" <<'EOF'
break getppid
run
set py-hook call-timeout 1
py-hook-up
py-hook-set --frame 0 a __import__("time").sleep(60)
py-hook-frame
py-hook-set --frame 0 a 7
delete
continue
EOF
    refute_traceback
    [[ "$stderr" == *"EXPR was still running after 1 s"* ]] || fail "not interrupted"
    [ "$(grep -c '^Hooked at .*interrupt.py:[0-9]* in <module>()$' <<<"$output")" -eq 2 ] ||
        fail "the selection did not stay on frame 1"
    assert_program_ended 7
}

@test "os._exit(3) in EXPR: one py-hook line, every setting put back, and the program is gone" {
    gdb_session "$(sample interrupt.py)" <<'EOF'
break getppid
run
set scheduler-locking step
py-hook-set a __import__("os")._exit(3)
show scheduler-locking
show unwindonsignal
show confirm
info signals SIGINT
py-hook-bt
EOF
    refute_traceback
    [[ "$stderr" == *"py-hook: the program exited with status 3 during the call into libhookhelper.so (hook_apply_locals)"* ]] ||
        fail "no exit report"
    assert_line --partial 'Mode for locking scheduler during execution is "step".'
    assert_line --partial "Unwinding of stack if a signal is received while in a call dummy is off."
    assert_line --partial "Whether to confirm potentially dangerous operations is off."
    assert_line --regexp $'^SIGINT +Yes\tYes\tNo\t'
    [[ "$stderr" == *"py-hook: there is no process"* ]] || fail "a later command did not say there is no process"
    assert_equal "$(program_output)" ""
}

@test "the program killed from outside (SIGKILL) during a call: one py-hook line, settings put back" {
    signal_in_call KILL 0.5
    gdb_session "$(sample interrupt.py)" <<EOF
break getppid
run
set scheduler-locking step
py-hook-set a ($IN_CALL, __import__("time").sleep(60))
show scheduler-locking
EOF
    refute_traceback
    [[ "$stderr" == *"py-hook: the program was killed (by a signal) during the call into libhookhelper.so (hook_apply_locals)"* ]] ||
        fail "no report of the kill"
    [ "$(grep -c '^py-hook:' <<<"$stderr")" -eq 1 ] || fail "not one py-hook line"
    assert_line --partial 'Mode for locking scheduler during execution is "step".'
}

@test "os.fork() in EXPR: the child exits at once with status 86 and says why; the parent goes on" {
    gdb_session "$(sample interrupt.py)" <<'EOF'
break getppid
run
py-hook-set child __import__("os").fork()
py-hook-set a 5
delete
continue
EOF
    refute_traceback
    assert_line --regexp '^child = [1-9][0-9]*  \(int\)$'
    assert_line "a = 5  (int)"
    assert_equal "$(program_output)" "$(printf 'child exit 86\na 5\ndone')"
    [[ "$(program_errors)" == *"py-hook: this process was forked by an expression evaluated from gdb; it exits at once (status 86)"* ]] ||
        fail "the child did not say why it exits"
}
