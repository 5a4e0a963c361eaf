#!/usr/bin/env bats
# py-hook-set with an attribute or item as NAME: self.timeout, d['k'],
# items[0], several at once; the program sees the change after continue.

load helper

targets() {
    gdb_session "$(sample targets.py)" < <(printf '%s\n' "break getppid" run "$@" continue)
}

@test "py-hook-set sets an attribute, a dict item and a list item; the line shows each read back; the program prints them" {
    targets "py-hook-set cfg.timeout 3" "py-hook-set table['k'] 9" "py-hook-set items[0] 'z'"
    assert_success
    refute_traceback
    assert_line "cfg.timeout = 3  (int)"
    assert_line "table['k'] = 9  (int)"
    assert_line "items[0] = 'z'  (str, len 1)"
    assert_equal "$(program_output)" "$(printf "timeout 3\ntable {'k': 9, 'a b': 2}\nitems ['z', 'b']")"
}

@test "a target with blanks in it and several targets at once are split from EXPR as Python parses them" {
    targets "py-hook-set table['a b'] table['k'] * 5" "py-hook-set items[0], items[1] 'p', 'q'"
    assert_success
    assert_line "table['a b'] = 5  (int)"
    assert_line "items[0], items[1] = ('p', 'q')  (tuple, len 2)"
    assert_equal "$(program_output)" "$(printf "timeout 30\ntable {'k': 1, 'a b': 5}\nitems ['p', 'q']")"
}

@test "a target that binds a variable is refused; a failing store is the command's error; nothing changes" {
    targets "py-hook-set (cfg, x) 1, 2" "py-hook-set items[5] 1" "py-hook-set cfg.nope.x 1" \
        "py-hook-set items[0] (y := 2)"
    refute_traceback
    [[ "$stderr" == *"py-hook-set: NAME (cfg, x) assigns the variables cfg, x: set each variable with its own py-hook-set"* ]] ||
        fail "binding target not refused"
    [[ "$stderr" == *"storing EXPR into NAME raised: IndexError: list assignment index out of range [HOOK_ERR_EXPR_RAISED]"* ]] ||
        fail "no IndexError"
    [[ "$stderr" == *"AttributeError: 'Config' object has no attribute 'nope'"* ]] || fail "no AttributeError"
    [[ "$stderr" == *"EXPR assigns y with ':='"* ]] || fail "walrus not refused"
    assert_equal "$(program_output)" "$(printf "timeout 30\ntable {'k': 1, 'a b': 2}\nitems ['a', 'b']")"
}
