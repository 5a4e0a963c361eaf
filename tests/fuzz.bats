#!/usr/bin/env bats
# Hundreds of generated malformed names, expressions and arguments on one stopped process: clear errors only, then a normal finish.

load helper

@test "fuzz: 404 malformed py-hook-set and py-hook-locals inputs give py-hook errors only, no hang, and the program prints 42" {
    gdb_session "$(sample target.py)" <<EOF
break getppid
run
source $ROOT/tests/fuzz.py
py-hook-locals
continue
EOF
    refute_traceback
    line=$(grep '^fuzz: ' <<<"$output") || fail "the fuzz driver printed no summary"
    echo "# $line" >&3
    assert_line --regexp '^fuzz: 404 inputs, [0-9]+ accepted, [0-9]+ refused with a py-hook error, 0 defects, 0 hangs$'
    refute_line --partial "defect:"
    # The 100 MB string and the deep list were accepted, then scratch reset.
    assert_line "scratch = None  (NoneType, arg)"
    assert_line "a = 21  (int, arg)"
    assert_equal "$(program_output)" "42"
}
