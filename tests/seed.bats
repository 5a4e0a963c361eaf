#!/usr/bin/env bats
# The seed scenario: edit `a` at a native stop, the program prints 1000, 1001, 101.

load helper

@test "unedited, the seed sample prints 1, 2, 101 under gdb with the helper preloaded" {
    gdb_session "$(sample seed.py)" <<EOF
run
EOF
    assert_success
    assert_output --partial "exited normally"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "py-hook-set a 1000 at the native stop makes the program print 1000, 1001, 101" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-locals
py-hook-set a 1000
continue
EOF
    assert_success
    refute_traceback
    assert_line "a = 1  (int)"
    assert_line "a = 1000  (int)"
    assert_output --partial "exited normally"
    assert_equal "$(program_output)" "$(printf '1000\n1001\n101')"
}

@test "EXPR is evaluated in the frame: py-hook-set a a + GLOBAL_VAR * 2 uses a local and a global" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-set a a + GLOBAL_VAR * 2
continue
EOF
    assert_success
    assert_line "a = 201  (int)"
    assert_equal "$(program_output)" "$(printf '201\n202\n101')"
}

@test "py-hook-set --frame 1 edits a global of the module frame, and main sees it" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-set --frame 1 GLOBAL_VAR 7
continue
EOF
    assert_success
    assert_line "GLOBAL_VAR = 7  (int)"
    assert_equal "$(program_output)" "$(printf '1\n2\n8')"
}

@test "a value of another type is stored as is: a = 'x' * 3 makes f(a) fail in the program" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-set a 'x' * 3
continue
EOF
    assert_line "a = 'xxx'  (str, len 3)"
    assert_output --partial "exited with code 01"
    run program_errors
    assert_output --partial 'TypeError: can only concatenate str (not "int") to str'
}
