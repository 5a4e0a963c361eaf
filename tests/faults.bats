#!/usr/bin/env bats
# A crash inside a helper call is unwound, undone and reported; the program still runs to its end.
#
# The fault is real: with HOOKHELPER_TEST_FAULT=1 in the target's environment
# the helper honours HOOK_REQ_TEST_FAULT and writes to address 0 after it
# has saved the thread's state (pending exception, errno, collector), the
# way a crash inside CPython would hit it.

load helper

FAULT='python __import__("pyhook").inferior.test_flags = 0x80000000'
NO_FAULT='python __import__("pyhook").inferior.test_flags = 0'

@test "a SIGSEGV inside a helper call is unwound and reported; the helper stays usable and the edit after it lands" {
    gdb_session "$(sample seed.py)" <<EOF
set environment HOOKHELPER_TEST_FAULT=1
break getppid
run
pipe info all-registers | cat > $BATS_TEST_TMPDIR/before
$FAULT
py-hook-locals
pipe info all-registers | cat > $BATS_TEST_TMPDIR/after
$NO_FAULT
py-hook-set a 1000
continue
EOF
    refute_traceback
    [[ "$stderr" == *"was stopped by SIGSEGV inside the target; gdb unwound it and restored the registers"* ]] ||
        fail "no fault report"
    [[ "$stderr" == *"undid what the call had begun: resumed the thread's tracing, resumed the garbage collector, put the thread's pending exception back."*"py-hook stays usable"* ]] ||
        fail "no recovery report"
    [[ "$stderr" == *"The thread's Python state (GIL, innermost frame) is as it was before the call."* ]] ||
        fail "no integrity report"
    assert_line "a = 1000  (int)"
    diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" || fail "registers changed"
    assert_equal "$(program_output)" "$(printf '1000\n1001\n101')"
}

@test "after a fault the collector runs again and errno is the program's: the program prints gc True, errno 1234" {
    gdb_session "$(sample hygiene.py)" <<EOF
set environment HOOKHELPER_TEST_FAULT=1
break getppid
run
$FAULT
py-hook-set a 5
$NO_FAULT
py-hook-set a 1000
continue
EOF
    refute_traceback
    [[ "$stderr" == *"SIGSEGV"* ]] || fail "no fault"
    assert_line "a = 1000  (int)"
    assert_equal "$(program_output)" "$(printf 'errno 1234\na 1000\ncaught ValueError(%s) original\ngc True' "'boom'")"
}

@test "every gdb setting py-hook changes for a call is restored, after success, a helper error and a fault" {
    gdb_session "$(sample seed.py)" <<EOF
set environment HOOKHELPER_TEST_FAULT=1
break getppid
run
set scheduler-locking step
set unwindonsignal off
break getpgrp
disable 2
py-hook-bt
py-hook-set nosuchname 1
$FAULT
py-hook-bt
$NO_FAULT
show scheduler-locking
show unwindonsignal
info breakpoints
delete
continue
EOF
    refute_traceback
    [[ "$stderr" == *"SIGSEGV"* ]] || fail "no fault"
    [[ "$stderr" == *"'nosuchname' is not a variable"* ]] || fail "no helper error"
    assert_line --partial 'Mode for locking scheduler during execution is "step".'
    assert_line --partial "Unwinding of stack if a signal is received while in a call dummy is off."
    assert_line --regexp '^1 +breakpoint +keep +y .*getppid'
    assert_line --regexp '^2 +breakpoint +keep +n .*getpgrp'
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "without HOOKHELPER_TEST_FAULT in the target, the fault switch is refused and nothing happens" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
$FAULT
py-hook-bt
$NO_FAULT
py-hook-set a 1000
continue
EOF
    refute_traceback
    [[ "$stderr" == *"fault injection is for tests only"*"[HOOK_ERR_BAD_REQUEST]"* ]] || fail "not refused"
    assert_line "a = 1000  (int)"
    assert_equal "$(program_output)" "$(printf '1000\n1001\n101')"
}

@test "a call left unfinished outside py-hook: py-hook-set names py-hook-recover, py-hook-bt reads memory; recover undoes it; the edit after it lands" {
    gdb_session "$(sample hygiene.py)" <<EOF
set environment HOOKHELPER_TEST_FAULT=1
break getppid
run
python import pyhook.inferior as I, pyhook.abi as A; ch = I.handshake_only(gdb.selected_inferior())
python gdb.selected_inferior().write_memory(ch.request_addr, A.REQUEST.pack(A.HOOK_ABI_VERSION, A.HOOK_REQ_TEST_FAULT, 0, 0, 200, 0, 0, 0) + b"\\0\\0")
set unwindonsignal on
python gdb.set_convenience_variable("snapshot", ch.entry["hook_snapshot"]); gdb.set_convenience_variable("request", ch.request_addr)
print ((int (*)(unsigned long)) \$snapshot)(\$request)
py-hook-set a 5
py-hook-bt
py-hook-status
py-hook-recover
py-hook-recover
py-hook-set a 1000
continue
EOF
    refute_traceback
    [[ "$stderr" == *"an earlier py-hook call on thread "*" has not finished"*"run py-hook-recover on that thread [HOOK_ERR_BUSY]"* ]] ||
        fail "the refusal does not name py-hook-recover"
    assert_line "py-hook: read from memory: an earlier py-hook call is unfinished (py-hook-recover)"
    assert_line --regexp '^#0  .*/hygiene.py:26 in <module>$'
    assert_line "Selected thread 1: py-hook refuses to call into it: an earlier py-hook call has not finished; run py-hook-recover on the thread it ran on."
    assert_line "py-hook: undone: resumed the thread's tracing, resumed the garbage collector, put the thread's pending exception back; py-hook calls work again"
    assert_line --regexp '^py-hook: no unfinished py-hook call in process [0-9]+: nothing to undo$'
    assert_line "a = 1000  (int)"
    assert_equal "$(program_output)" "$(printf 'errno 1234\na 1000\ncaught ValueError(%s) original\ngc True' "'boom'")"
}
