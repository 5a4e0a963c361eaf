#!/usr/bin/env bats
# The helper is inert where it is not called: children that inherit LD_PRELOAD behave exactly as without it.

load helper

@test "a preloaded program's ls and sh children: same output, exit codes and stderr as without the helper" {
    run --separate-stderr env -u LD_PRELOAD "$PY" "$(sample inherit.py)"
    assert_success
    local plain_out=$output plain_err=$stderr
    assert_line --regexp '^ls exit 0 lines [0-9]+$'
    assert_line "sh exit 3 from sh"

    run --separate-stderr env LD_PRELOAD="$HELPER" "$PY" "$(sample inherit.py)"
    assert_success
    assert_equal "$output" "$plain_out"
    assert_equal "$stderr" "$plain_err"
    assert_equal "$stderr" ""
}

@test "a non-Python program run with the helper preloaded prints nothing extra and keeps its exit code" {
    run --separate-stderr env LD_PRELOAD="$HELPER" sh -c 'echo hi; exit 7'
    assert_failure 7
    assert_output "hi"
    assert_equal "$stderr" ""
}

@test "the Python program itself is unchanged by the preload when py-hook is never called" {
    run --separate-stderr env LD_PRELOAD="$HELPER" "$PY" "$(sample seed.py)"
    assert_success
    assert_output "$(printf '1\n2\n101')"
    assert_equal "$stderr" ""
}
