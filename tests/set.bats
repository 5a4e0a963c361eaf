#!/usr/bin/env bats
# py-hook-set: bad NAME, bad EXPR and bad options are refused, the frame is left as it was.

load helper

seed() {
    gdb_session "$(sample seed.py)" < <(printf '%s\n' "break getppid" run "$@" py-hook-locals continue)
}

unedited=$'1\n2\n101'

# Every failing command must leave a as it was and the program must finish as if nothing happened.
assert_untouched() {
    refute_traceback
    assert_line "a = 1  (int)"
    assert_output --partial "exited normally"
    assert_equal "$(program_output)" "$unedited"
}

@test "a NAME that is not a variable of the frame is refused, listing the frame's variables; a global says to use the module's frame" {
    seed "py-hook-set GLOBAL_VAR 5" "py-hook-set zz 1"
    [[ "$stderr" == *"'GLOBAL_VAR' is not a variable of this frame but a global of its module: select the module's frame (the <module> line of py-hook-bt, with py-hook-frame N) and set it there; this frame's variables are: a, b, c [HOOK_ERR_NOT_A_VARIABLE]"* ]] ||
        fail "no error for GLOBAL_VAR"
    [[ "$stderr" == *"'zz' is not a variable of this frame, so assigning it would have no effect on the running code; its variables are: a, b, c [HOOK_ERR_NOT_A_VARIABLE]"* ]] ||
        fail "no error for zz"
    assert_untouched
}

@test "py-hook-set NAME = EXPR (and NAME=EXPR) says to drop the '='" {
    seed "py-hook-set a = 5" "py-hook-set a=5" "py-hook-set a= 5"
    [ "$(grep -c "py-hook-set: write NAME and EXPR without '=' between them: py-hook-set a 5" <<<"$stderr")" -eq 3 ] ||
        fail "not every form got the hint"
    assert_untouched
}

@test "a NAME that is neither an identifier nor a target is refused before anything reaches the target; a target's own error is Python's" {
    seed "py-hook-set 1a 5" "py-hook-set a.b 5" "py-hook-set a[0] 5"
    [[ "$stderr" == *"py-hook-set: '1a' is not a Python identifier; NAME must be a variable name"* ]] || fail "no error for 1a"
    # a is an int: an attribute or item of it cannot be set.
    [[ "$stderr" == *"AttributeError: 'int' object has no attribute 'b'"* ]] || fail "no error for a.b"
    [[ "$stderr" == *"TypeError: 'int' object does not support item assignment"* ]] || fail "no error for a[0]"
    assert_untouched
}

@test "an EXPR with a syntax error is refused with Python's message" {
    seed "py-hook-set a (" "py-hook-set a 1 +" "py-hook-set a x = 3"
    [[ "$stderr" == *"EXPR does not compile: SyntaxError: '(' was never closed (<py-hook>, line 1) [HOOK_ERR_EXPR_SYNTAX]"* ]] ||
        fail "no error for ("
    [[ "$stderr" == *"EXPR does not compile: SyntaxError: invalid syntax"* ]] || fail "no error for 1 +"
    assert_untouched
}

@test "an EXPR that raises is refused with the exception, and nothing is stored" {
    seed "py-hook-set a 1 / 0" "py-hook-set a undefined_name" "py-hook-set a int('x')"
    [[ "$stderr" == *"EXPR raised: ZeroDivisionError: division by zero [HOOK_ERR_EXPR_RAISED]"* ]] || fail "no ZeroDivisionError"
    [[ "$stderr" == *"EXPR raised: NameError: name 'undefined_name' is not defined"* ]] || fail "no NameError"
    [[ "$stderr" == *"EXPR raised: ValueError: invalid literal for int() with base 10: 'x'"* ]] || fail "no ValueError"
    assert_untouched
}

@test "missing NAME or EXPR and unknown options get a usage line" {
    seed "py-hook-set" "py-hook-set a" "py-hook-set --frame" "py-hook-set --frame x a 1" "py-hook-set --verbose a 1"
    [[ "$stderr" == *"py-hook-set: NAME and EXPR are missing"* ]] || fail "no error for no arguments"
    [[ "$stderr" == *"py-hook-set: EXPR is missing after a"* ]] || fail "no error for a"
    [[ "$stderr" == *"py-hook-set: --frame needs a frame number"* ]] || fail "no error for --frame"
    [[ "$stderr" == *"py-hook-set: 'x' is not a frame number"* ]] || fail "no error for --frame x"
    [[ "$stderr" == *"py-hook-set: unknown option '--verbose'"* ]] || fail "no error for --verbose"
    [[ "$stderr" == *"Usage: py-hook-set [--frame N | --of VAR | --task NAME [--level N]] [--force] NAME EXPR"* ]] || fail "no usage line"
    assert_untouched
}

@test "--frame out of range is refused with the number of frames" {
    seed "py-hook-set --frame 5 a 1"
    [[ "$stderr" == *"there is no Python frame 5: this thread has 2 (0 to 1); see py-hook-bt [HOOK_ERR_FRAME_RANGE]"* ]] ||
        fail "no range error"
    assert_untouched
}

@test "EXPR keeps its quotes and spacing: strings with spaces and '#' arrive intact" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-set a len("  two  # words  ")
continue
EOF
    assert_line "a = 16  (int)"
    assert_equal "$(program_output)" "$(printf '16\n17\n101')"
}

@test "-- ends the options, so a NAME may follow it" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-set --frame 0 -- a 2
continue
EOF
    assert_line "a = 2  (int)"
    assert_equal "$(program_output)" "$(printf '2\n3\n101')"
}
