#!/usr/bin/env bats
# py-hook-exec STMT: statements run in a frame; rebound variables written
# back, attribute and item assignments on the program's objects, new names
# in the frame's scratch namespace, 'global' names in the globals.  Each
# test checks what the program prints after continue.

load helper

scratch() {
    gdb_session "$(sample scratch.py)" < <(printf '%s\n' "break getppid" run "$@")
}

UNEDITED_2="call 2: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0"

@test "py-hook-exec swaps two variables, sorts a list and sets an attribute; new names stay in scratch; the program prints the changes" {
    scratch "py-hook-exec a, b = b, a" "py-hook-exec tmp = a * 100; items.sort(); cfg.timeout = tmp" \
        "continue" "continue" "continue" "continue"
    assert_success
    refute_traceback
    assert_line "a = 2  (int)"
    assert_line "b = 1  (int)"
    assert_line "tmp = 200  (int, scratch)"
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 2 b 1 total 0 items [1, 2, 3] timeout 200 counter 0" "$UNEDITED_2" \
        "globals: counter 0 has_tmp False" "stdin closed False")"
}

@test "scratch names serve later eval, set and exec on that frame, across a continue inside the same call, and not the next call" {
    scratch "py-hook-exec tmp = 5" "py-hook-eval [x * tmp for x in items]" "py-hook-set a tmp + 1" \
        continue "py-hook-eval tmp" "py-hook-exec tmp += 1; b = tmp" \
        continue "py-hook-eval tmp" continue continue
    refute_traceback
    assert_line "tmp = 5  (int, scratch)"
    assert_line "[15, 5, 10]  (list, len 3)"
    assert_line "a = 6  (int)"
    assert_line "5  (int)"
    assert_line "b = 6  (int)"
    [[ "$stderr" == *"NameError: name 'tmp' is not defined"* ]] || fail "scratch leaked into the next call"
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 6 b 6 total 0 items [3, 1, 2] timeout 30 counter 0" "$UNEDITED_2" \
        "globals: counter 0 has_tmp False" "stdin closed False")"
}

@test "a cell is written through to its closure, a lambda sees the frame, and only a name declared global reaches the globals" {
    scratch "py-hook-exec total = sum(map(lambda x: x * b, items))" \
        "py-hook-exec global counter; counter = 7; other = 1" "py-hook-eval other" \
        continue continue continue continue
    refute_traceback
    assert_line "total = 12  (int, cell)"
    assert_line "counter = 7  (int, global)"
    assert_line "other = 1  (int, scratch)"
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 1 b 2 total 12 items [3, 1, 2] timeout 30 counter 7" \
        "call 2: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 7" \
        "globals: counter 7 has_tmp False" "stdin closed False")"
}

@test "exit(), quit(3) and raise SystemExit end the statement, never the program, and leave its stdin open; an exception writes nothing back" {
    scratch "py-hook-exec exit()" "py-hook-exec quit(3)" "py-hook-exec raise SystemExit" \
        "py-hook-exec a = 99; items.append(4); 1/0" "py-hook-eval a" continue continue continue continue
    refute_traceback
    [[ "$stderr" == *"STMT raised: SystemExit [HOOK_ERR_EXPR_RAISED]"* ]] || fail "exit() not reported"
    [[ "$stderr" == *"STMT raised: SystemExit: 3 [HOOK_ERR_EXPR_RAISED]"* ]] || fail "quit(3) not reported"
    [[ "$stderr" == *"STMT raised: ZeroDivisionError: division by zero [HOOK_ERR_EXPR_RAISED]"* ]] ||
        fail "1/0 not reported"
    assert_line "1  (int)"
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 1 b 2 total 0 items [3, 1, 2, 4] timeout 30 counter 0" "$UNEDITED_2" \
        "globals: counter 0 has_tmp False" "stdin closed False")"
}

@test "deleting a function's variable is refused after the fact and the value kept; a scratch name can be deleted" {
    scratch "py-hook-exec tmp = 1" "py-hook-exec del a, tmp" "py-hook-eval 'tmp' in dir()" \
        continue continue continue continue
    refute_traceback
    [[ "$stderr" == *"py-hook: STMT ran, but this name was not written back: a: deleted by STMT, but a function's variable cannot be unbound from py-hook; it keeps its value"* ]] ||
        fail "deleting a was not refused"
    assert_line "tmp = <unbound>  (scratch)"
    assert_line "False  (bool)"
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0" "$UNEDITED_2" \
        "globals: counter 0 has_tmp False" "stdin closed False")"
}

@test "in the module frame a global the module has is written back, a new name goes to scratch" {
    scratch "py-hook-exec --frame 1 counter = 5; fresh = 'x'" "py-hook-eval --frame 1 fresh * 3" \
        continue continue continue continue
    refute_traceback
    assert_line "counter = 5  (int)"
    assert_line "fresh = 'x'  (str, len 1, scratch)"
    assert_line "'xxx'  (str, len 3)"
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 5" \
        "call 2: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 5" \
        "globals: counter 5 has_tmp False" "stdin closed False")"
}

@test "a statement asleep past call-timeout is interrupted and writes nothing back; bad STMT is a clear error; the program ends normally" {
    scratch "set py-hook call-timeout 1" "py-hook-exec a = 50; import time; time.sleep(30)" \
        "py-hook-exec" "py-hook-exec for" "py-hook-exec --frame x a = 1" "py-hook-eval a" \
        continue continue continue continue
    refute_traceback
    [[ "$stderr" == *"KeyboardInterrupt"* ]] || fail "the sleep was not interrupted"
    [[ "$stderr" == *"py-hook-exec: STMT is missing"* ]] || fail "no missing-STMT error"
    [[ "$stderr" == *"SyntaxError"*"[HOOK_ERR_EXPR_SYNTAX]"* ]] || fail "no syntax error"
    assert_line "1  (int)"
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0" "$UNEDITED_2" \
        "globals: counter 0 has_tmp False" "stdin closed False")"
}

@test "gdb -batch exits non-zero when the last py-hook-exec fails" {
    gdb_session "$(sample scratch.py)" <<'EOF'
break getppid
run
py-hook-exec 1/0
EOF
    assert_failure
    refute_traceback
}

@test "a statement that forks ends the child at once (status 86) and keeps the parent's result; scratch names are per frame in a recursion" {
    gdb_session "$(sample stack.py)" 3 <<'EOF'
break getppid
run
py-hook-exec import os; pid = os.fork()
py-hook-eval pid > 0
py-hook-exec tmp = level
py-hook-eval --frame 1 tmp
py-hook-eval --frame 0 tmp
delete
continue
EOF
    refute_traceback
    assert_line "True  (bool)"
    assert_line "tmp = 3  (int, scratch)"
    assert_line "3  (int)"
    [[ "$stderr" == *"NameError: name 'tmp' is not defined"* ]] || fail "scratch leaked into the caller's frame"
    assert_equal "$(program_output)" "$(printf 'ready\nstack done 3')"
}

@test "a frame with scratch names is let go soon after it returns, and at exit: its finalizers run and its files are flushed; the collector's callbacks are as before" {
    gdb_session "$(sample scratchlife.py)" "$BATS_TEST_TMPDIR/file" <<'EOF'
break getppid
run
py-hook-exec tmp = r.name
continue
py-hook-exec tmp = r.name * 2
continue
EOF
    refute_traceback
    assert_line "tmp = 'f'  (str, len 1, scratch)"
    assert_line "tmp = 'gg'  (str, len 2, scratch)"
    assert_equal "$(program_output)" "$(printf 'Res f finalized\nafter f []\nend\nRes g finalized')"
    assert_equal "$(cat "$BATS_TEST_TMPDIR/file")" "data from g"
}

@test "a name declared global is the global in the statement, not the frame's variable of that name: reading an unset one fails, writing it leaves the local alone" {
    scratch "py-hook-exec global a; print(a)" "py-hook-exec global a, tmp; a = 5; tmp = a" \
        "py-hook-exec scr = 1" "py-hook-exec global scr; x = scr" continue continue continue continue
    refute_traceback
    [[ "$stderr" == *"NameError: name 'a' is not defined"* ]] || fail "global a read the local"
    assert_line "a = 5  (int, global)"
    assert_line "tmp = 5  (int, global)"
    refute_line "a = 5  (int)"
    [[ "$stderr" == *"NameError: name 'scr' is not defined"* ]] || fail "global scr read the scratch name"
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0" "$UNEDITED_2" \
        "globals: counter 0 has_tmp True" "stdin closed False")"
}

@test "an exception whose message spans lines keeps them together, the status name after them, then the traceback" {
    scratch 'py-hook-exec raise ValueError("line1\nline2")' continue continue continue continue
    refute_traceback
    [[ "$stderr" == *"STMT raised: ValueError: line1"$'\n'"line2 [HOOK_ERR_EXPR_RAISED]"$'\n'"EXPR's traceback (most recent call last):"* ]] ||
        fail "the message was split"
    assert_equal "$(program_output | head -1)" "call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0"
}

@test "a global declared in a class body the statement runs is the global; a scratch name declared global and left alone stays" {
    scratch "py-hook-exec tmp = 1" "py-hook-exec global tmp; z = 2" "py-hook-eval tmp" \
        "py-hook-exec class K: global counter; counter = 11" continue continue continue continue
    refute_traceback
    assert_line "1  (int)"
    assert_line "counter = 11  (int, global)"
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 11" \
        "call 2: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 11" \
        "globals: counter 11 has_tmp False" "stdin closed False")"
}

@test "a statement that exits or execs the program is reported as such, with no traceback; gdb is left with no process" {
    scratch "py-hook-exec import os; os._exit(4)" "py-hook-locals"
    refute_traceback
    [[ "$stderr" == *"the program exited with status 4 during the call into libhookhelper.so"* ]] ||
        fail "the exit was not reported"
    [[ "$stderr" == *"there is no process"* ]] || fail "a process was still there"
    assert_equal "$(program_output)" ""
    scratch "py-hook-exec import os; os.execv('/bin/echo', ['echo', 'replaced'])"
    refute_traceback
    [[ "$stderr" == *"the program replaced itself with exec during the call"* ]] || fail "the exec was not reported"
    assert_equal "$(program_output)" "replaced"
}

@test "the program killed from outside (SIGKILL) while a statement sleeps: one py-hook line saying so" {
    signal_program_in_call KILL 0.5 scratch.py
    scratch "py-hook-exec tmp = 1; $IN_CALL; import time; time.sleep(60)" "py-hook-locals"
    refute_traceback
    [[ "$stderr" == *"py-hook: the program was killed (by a signal) during the call into libhookhelper.so (hook_apply_locals)"* ]] ||
        fail "no report of the kill"
    [[ "$stderr" == *"there is no process"* ]] || fail "a process was still there"
    assert_equal "$(program_output)" ""
}
