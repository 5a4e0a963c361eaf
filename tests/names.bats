#!/usr/bin/env bats
# NAME is read as Python's compiler reads it, and nothing the program names can forge output or reach the terminal.

load helper

@test "NAME is NFKC-normalised like Python's compiler: py-hook-set 𝐱 100 in a module frame sets x" {
    gdb_session "$(sample names.py)" <<'EOF'
break getppid
run
py-hook-set 𝐱 100
delete
continue
EOF
    refute_traceback
    assert_line "x = 100  (int)"
    assert_equal "$(program_output)" "x 100"
}

@test "keywords are refused as NAME, with what they are" {
    gdb_session "$(sample names.py)" <<'EOF'
break getppid
run
py-hook-set class 1
py-hook-set None 1
delete
continue
EOF
    refute_traceback
    [[ "$stderr" == *"'class' is a Python keyword, not a variable name"* ]] || fail "class not refused"
    [[ "$stderr" == *"'None' is a Python keyword, not a variable name"* ]] || fail "None not refused"
    assert_equal "$(program_output)" "x 1"
}

@test "a global named with a newline cannot forge a line, and no escape character reaches the terminal" {
    gdb_session "$(sample names.py)" <<'EOF'
break getppid
run
py-hook-locals
py-hook-bt --full
delete
continue
EOF
    refute_traceback
    assert_line "b\\nfake = 'SPOOF' = 2  (int)"
    ! grep -q "^ *fake = 'SPOOF'" <<<"$output" || fail "a forged line was printed"
    [[ "$output" != *$'\e'* ]] || fail "an escape character reached the output"
    assert_line "esc\\x1b[31m = '\\x1b[2J'  (str, len 4)"
    assert_equal "$(program_output)" "x 1"
}
