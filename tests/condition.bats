#!/usr/bin/env bats
# $py_eval("EXPR"[, N]): Python values for gdb expressions and native
# breakpoint conditions, under py-hook's safety rules.

load helper

condition() {
    gdb_session "$(sample condition.py)" < <(printf '%s\n' 'break write if $py_eval("len(buf) > 100")' run "$@")
}

@test "a native breakpoint condition on Python state stops only where it holds; an edit made there is what the program prints" {
    condition 'print $py_eval("n")' 'py-hook-set buf b"xy"' delete continue
    assert_success
    refute_traceback
    assert_line '$1 = 3'
    assert_equal "$(grep -cE "^Breakpoint [0-9]+," <<<"$output")" 1
    assert_equal "$(program_output)" "$(printf 'sent 5\nsent 50\nsent 2\nsent 7')"
}

@test "\$py_eval returns ints, floats, bools and strings to gdb, in frame N when asked" {
    condition 'print $py_eval("len(buf) / 4")' 'print $py_eval("n == 3")' 'print $py_eval("n == 4")' \
        "print \$py_eval(\"'ab' + chr(233)\")" 'print $py_eval("n", 1)' 'print $py_eval("len(buf)") * 2' \
        'output $py_eval("__name__", 1)' delete continue
    assert_success
    refute_traceback
    assert_line '$1 = 125'
    assert_line '$2 = 1'
    assert_line '$3 = 0'
    assert_line '$4 = "abé"'
    assert_line '$5 = 3'
    assert_line '$6 = 1000'
    [[ "$output" == *'"__main__"'* ]] || fail "no string output"
    assert_equal "$(program_output)" "$(printf 'sent 5\nsent 50\nsent 500\nsent 7')"
}

@test "\$py_eval refuses other types, huge ints, bad arguments and := with clear errors; an exception is an error; the program ends normally" {
    condition 'print $py_eval("buf")' 'print $py_eval("2**70")' 'print $py_eval(3)' 'print $py_eval()' \
        'print $py_eval("n", -1)' 'print $py_eval("n", 9)' 'print $py_eval("(x := 1)")' \
        'print $py_eval("1/0")' delete continue
    refute_traceback
    [[ "$stderr" == *"EXPR's value is of type bytes; \$py_eval returns int, float, bool or str, so convert it in EXPR"* ]] ||
        fail "bytes not refused"
    [[ "$stderr" == *"1180591620717411303424 does not fit gdb's 64-bit integers"* ]] || fail "big int not refused"
    [[ "$stderr" == *'EXPR must be a string in double quotes'* ]] || fail "non-string EXPR not refused"
    [[ "$stderr" == *'$py_eval takes EXPR and an optional frame number'* ]] || fail "no arguments not refused"
    [[ "$stderr" == *'the frame number must be 0 or more'* ]] || fail "negative frame not refused"
    [[ "$stderr" == *'there is no Python frame 9'* ]] || fail "frame 9 not refused"
    [[ "$stderr" == *"EXPR assigns x with ':='"* ]] || fail "walrus not refused"
    [[ "$stderr" == *"ZeroDivisionError: division by zero"* ]] || fail "no exception"
    assert_equal "$(program_output)" "$(printf 'sent 5\nsent 50\nsent 500\nsent 7')"
}

@test "a condition at an unsafe stop is an error that stops there, not a hang; the program then runs to its end" {
    gdb_session "$(sample condition.py)" <<'EOF'
break PyObject_Malloc if $py_eval("1")
run
delete
continue
break PyObject_Malloc if $py_eval("1")
run
delete
continue
EOF
    refute_traceback
    [[ "$output$stderr" == *"Error in testing"*"condition"* ]] || fail "the condition did not fail"
    [[ "$output$stderr" == *"it is stopped inside CPython's memory allocator"* ]] || fail "no reason given"
    assert_equal "$(program_output)" "$(printf 'sent 5\nsent 50\nsent 500\nsent 7')"
}

@test "gdb -batch exits non-zero when \$py_eval fails last" {
    condition 'print $py_eval("1/0")'
    assert_failure
    refute_traceback
}

@test "in a program of several threads a condition calling \$py_eval is refused, not hung: gdb stops there and py-hook-eval works" {
    gdb_session "$(sample condthreads.py)" <<'EOF'
break getppid if $py_eval("n == 2")
run
py-hook-eval n
py-hook-set n 7
delete
continue
EOF
    refute_traceback
    [[ "$output$stderr" == *"\$py_eval cannot call into a program of 2 threads while gdb tests a breakpoint condition"* ]] ||
        fail "the condition was not refused"
    assert_line "0  (int)"
    assert_equal "$(program_output)" "worker saw 7 1 2"
}

@test "\$py_eval refuses a str holding NUL, an int too large to print and a frame number that is no integer" {
    condition "print \$py_eval(\"chr(0) + 'b'\")" 'print $py_eval("10**5000")' 'print $py_eval("n", 1.5)' delete continue
    refute_traceback
    [[ "$stderr" == *"EXPR's str holds a NUL character"* ]] || fail "NUL not refused"
    [[ "$stderr" == *"EXPR's int is too large to convert"* ]] || fail "huge int not refused"
    [[ "$stderr" == *"the frame number must be an integer, not 1.5"* ]] || fail "1.5 not refused"
    assert_equal "$(program_output)" "$(printf 'sent 5\nsent 50\nsent 500\nsent 7')"
}
