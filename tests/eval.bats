#!/usr/bin/env bats
# py-hook-eval (alias py-hook-print): a Python expression's repr() in a frame.

load helper

seed() {
    gdb_session "$(sample seed.py)" < <(printf '%s\n' "break getppid" run "$@" continue)
}

@test "py-hook-eval prints EXPR's repr and type in the selected frame, --frame N in another; nothing is stored" {
    seed "py-hook-eval a + GLOBAL_VAR" "py-hook-print [a] * 3" "py-hook-eval --frame 1 GLOBAL_VAR" \
        "py-hook-frame 1" "py-hook-eval __name__" "py-hook-eval 'x' * 500"
    assert_success
    refute_traceback
    assert_line "101  (int)"
    assert_line "[1, 1, 1]  (list, len 3)"
    assert_line "100  (int)"
    assert_line "'__main__'  (str, len 8)"
    # Cut at value-limit (200 characters).
    assert_line "'$(printf 'x%.0s' $(seq 199))...  (str, len 500)"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "py-hook-eval runs the program's own __repr__; one that raises is named in place of the value" {
    gdb_session "$(sample values.py)" <<EOF
break getppid
run
py-hook-eval obj
py-hook-eval sub
py-hook-eval sub + 1
continue
EOF
    assert_success
    refute_traceback
    assert_line --regexp '^<object object at 0x[0-9a-f]+>  \(object\)$'
    assert_line "<repr() raised RuntimeError>  (MyInt)"
    assert_line "6  (int)"
    assert_equal "$(program_output | tail -n 1)" "done"
}

@test "an exception in EXPR is the command's error, with its traceback through the program's functions; the program runs on" {
    seed "py-hook-eval f(None)" "py-hook-eval 1/0" "py-hook-eval a"
    refute_traceback
    [[ "$stderr" == *"py-hook: EXPR raised: TypeError: unsupported operand type(s) for +: 'NoneType' and 'int'"* ]] ||
        fail "no exception"
    [[ "$stderr" == *'  File "<py-hook>", line 1, in <module>'$'\n''  File "'"$(sample seed.py)"'", line 14, in f'* ]] ||
        fail "no traceback through f"
    [[ "$stderr" == *"ZeroDivisionError: division by zero"* ]] || fail "no ZeroDivisionError"
    assert_line "1  (int)"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "py-hook-eval refuses := , a missing EXPR and unknown options with a usage line; a syntax error is named; gdb -batch exits non-zero" {
    seed "py-hook-eval (b := 3)" "py-hook-eval" "py-hook-eval --fast a" "py-hook-eval a +"
    refute_traceback
    [[ "$stderr" == *"py-hook-eval: EXPR assigns b with ':='"*"use py-hook-set b EXPR"* ]] || fail "walrus not refused"
    [[ "$stderr" == *"py-hook-eval: EXPR is missing"* ]] || fail "no missing-EXPR error"
    [[ "$stderr" == *"py-hook-eval: unknown option '--fast'"* ]] || fail "no unknown-option error"
    [[ "$stderr" == *"EXPR does not compile: SyntaxError"* ]] || fail "no syntax error"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
    gdb_session "$(sample seed.py)" < <(printf '%s\n' "break getppid" run "py-hook-eval a +")
    assert_failure 1
}

@test "an EXPR asleep past call-timeout gets KeyboardInterrupt; another thread's GIL is refused; the program ends normally" {
    gdb_session "$(sample threads.py)" <<EOF
break getppid
run
set py-hook call-timeout 1
py-hook-eval __import__('time').sleep(30)
thread 3
py-hook-eval stop
thread 1
py-hook-eval worker.name
continue
EOF
    refute_traceback
    [[ "$stderr" == *"KeyboardInterrupt"* ]] || fail "the sleep was not interrupted"
    [[ "$stderr" == *"thread 3 does not hold the GIL"* ]] || fail "no GIL refusal"
    assert_line "'sleeper-with-a-long-name'  (str, len 24)"
    assert_equal "$(program_output)" "threads done"
}

@test "an exec() of a string in EXPR interrupted at call-timeout leaves no unhandled-KeyboardInterrupt mark: the program exits normally, not by SIGINT" {
    gdb_session "$(sample seed.py)" <<'EOF'
break getppid
run
set py-hook call-timeout 1
py-hook-eval exec("import time; time.sleep(30)")
continue
EOF
    refute_traceback
    [[ "$stderr" == *"raised KeyboardInterrupt inside it"* ]] || fail "the sleep was not interrupted"
    assert_line --regexp '^\[Inferior 1 \(process [0-9]+\) exited normally\]$'
    refute_output --partial "exit_sigint"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}
