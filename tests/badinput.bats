#!/usr/bin/env bats
# Bad input gets a one-line py-hook error naming cause and fix; the program then finishes normally.

load helper

target() {
    gdb_session "$(sample target.py)" < <(printf '%s\n' "break getppid" run "$@" "py-hook-locals" continue)
}

untouched() {
    refute_traceback
    assert_line "a = 21  (int, arg)"
    assert_equal "$(program_output)" "42"
}

@test "negative and out-of-range frame numbers, for every command that takes one" {
    target "py-hook-locals -1" "py-hook-frame -2" "py-hook-up -1" "py-hook-set --frame -1 a 1" \
        "py-hook-locals 4294967296" "py-hook-frame 7"
    [ "$(grep -c 'frame numbers start at 0 (innermost), got -' <<<"$stderr")" -eq 3 ] || fail "negative numbers not all refused"
    [[ "$stderr" == *"py-hook-up: COUNT must be 0 or more, got -1"* ]] || fail "a negative COUNT is not a count error"
    [[ "$stderr" == *"frame number 4294967296 is out of range"* ]] || fail "no range error"
    [[ "$stderr" == *"there is no Python frame 7: this thread has 2 (0 to 1)"* ]] || fail "no frame-count error"
    untouched
}

@test "a 100 MB string result is stored and shown cut at the value limit, with its full length" {
    target "py-hook-set scratch 'x' * 100_000_000" "py-hook-set a len(scratch) // 5_000_000 + 11"
    assert_line --regexp "^scratch = 'x{150,200}\.\.\.  \(str, len 100000000, arg\)$"
    assert_line "a = 31  (int, arg)"
    refute_traceback
    assert_equal "$(program_output)" "62"
}

@test "a 100 000-deep nested list is stored and shown three levels deep" {
    target "py-hook-set scratch __import__('functools').reduce(lambda l, _: [l], range(100_000), [])"
    assert_line --regexp '^scratch = \[\[\[<list at 0x[0-9a-f]+>\]\]\]  \(list, len 1, arg\)$'
    untouched
}

@test "an EXPR nested too deeply for the parser is a syntax error, not a crash" {
    target "py-hook-set scratch $(printf '(%.0s' $(seq 300))1$(printf ')%.0s' $(seq 300))"
    [[ "$stderr" == *"too many nested parentheses"*"[HOOK_ERR_EXPR_SYNTAX]"* ]] || fail "no syntax error"
    untouched
}

@test "non-UTF-8 bytes on the command line never reach the target; NUL bytes from Python are refused by py-hook" {
    printf 'py-hook-set a \xff\xfe + 1\n' >"$BATS_TEST_TMPDIR/bad.gdb"
    target "source $BATS_TEST_TMPDIR/bad.gdb" \
        "python import pyhook.snapshot as s; s.assign(0, 'a', '1\\0 + 5')"
    # gdb itself cannot turn the bytes into text and does not run the command.
    [[ "$stderr" == *"Could not convert arguments to Python string"* ]] || fail "gdb ran the non-UTF-8 command"
    [[ "$stderr" == *"py-hook: EXPR contains a NUL byte, which Python source cannot hold"* ]] || fail "no NUL error"
    assert_line "a = 21  (int, arg)"
    assert_equal "$(program_output)" "42"
}
