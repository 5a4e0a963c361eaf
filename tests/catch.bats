#!/usr/bin/env bats
# py-hook-catch raise [TYPE...]: the program stops where Python raises, in
# the raising frame, read from memory; catchpoints are listed and deleted.

load helper

UNEDITED="[1, None, \"missing 'port'\", 'level 6 over 5', 'assert failed']"

raises() {
    gdb_session "$(sample raises.py)" < <(printf '%s\n' "$@")
}

@test "a catchpoint stops where each exception of the types (or a subclass) is raised, with that frame selected; an edit there is what the program prints" {
    raises "py-hook-catch raise ValueError AppError AssertionError" run py-hook-locals \
        continue py-hook-locals "py-hook-exec --frame 1 results.append('edited')" \
        continue py-hook-bt continue
    assert_success
    refute_traceback
    assert_line "Catchpoint 1 (raise ValueError, AppError, AssertionError)"
    assert_line "py-hook: catchpoint 1: ValueError: invalid literal for int() with base 10: 'x' raised"
    assert_line --regexp "^#0  .*raises.py:20 in parse$"
    assert_line "text = 'x'  (str, len 1, arg)"
    assert_line "py-hook: catchpoint 1: ConfigError: level 6 over 5 raised"
    assert_line "level = 6  (int)"
    assert_line "py-hook: catchpoint 1: AssertionError: counts differ raised"
    assert_line --regexp "^#0  .*raises.py:37 in audit$"
    assert_line --regexp "^#1  .*raises.py:[0-9]+ in main$"
    assert_equal "$(grep -c '^py-hook: catchpoint' <<<"$output")" 3
    assert_equal "$(program_output)" \
        "[1, None, \"missing 'port'\", 'edited', 'level 6 over 5', 'assert failed']"
}

@test "an exception raised by C code stops once where it is raised, not again as it propagates to the caller" {
    raises "py-hook-catch raise ValueError" run "py-hook-catch raise KeyError" continue py-hook-bt continue
    assert_success
    refute_traceback
    assert_line "py-hook: catchpoint 2: KeyError: 'port' raised"
    assert_line --regexp "^#0  .*raises.py:26 in load$"
    assert_equal "$(grep -c '^py-hook: catchpoint 2' <<<"$output")" 1
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "catchpoints are listed with their hits and deleted by number or all; bad input is a clear error" {
    raises "py-hook-catch" "py-hook-catch raise ValueError" "py-hook-catch raise __main__.ConfigError" \
        run "py-hook-catch list" "py-hook-catch delete 1" continue "py-hook-catch" \
        "py-hook-catch delete" "py-hook-catch" "py-hook-catch raise 1x" "py-hook-catch delete 9" \
        "py-hook-catch throw" continue
    refute_traceback
    assert_line "No py-hook catchpoints."
    assert_line --regexp "^1 +raise ValueError +1$"
    assert_line --regexp "^2 +raise __main__.ConfigError +0$"
    assert_line --regexp "^2 +raise __main__.ConfigError +1$"
    assert_line "deleted 1 catchpoint"
    assert_line "py-hook: catchpoint 2: ConfigError: level 6 over 5 raised"
    [[ "$stderr" == *"py-hook-catch: '1x' is not an exception class name"* ]] || fail "bad TYPE not refused"
    [[ "$stderr" == *"py-hook-catch: no catchpoint 9"* ]] || fail "bad number not refused"
    [[ "$stderr" == *"py-hook-catch: unknown action 'throw'"* ]] || fail "bad action not refused"
    assert_equal "$(grep -c '^py-hook: catchpoint' <<<"$output")" 2
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "a catchpoint needs no helper: without it the raise is caught and the frame read from memory" {
    gdb_raw "${PREAMBLE[@]}" -ex "set args $(printf '%q' "$(sample raises.py)") > $(printf '%q' "$PROG_OUT")" \
        -ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-catch raise AppError" -ex run -ex py-hook-locals \
        -ex continue "$PY"
    refute_traceback
    assert_line "py-hook: catchpoint 1: ConfigError: level 6 over 5 raised"
    assert_line "level = 6  (int)"
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "a raise of an exception caught elsewhere, or returned by a callee, stops where it is raised again; one that propagates out of a callee, even through C code, does not stop twice" {
    gdb_session "$(sample reraise.py)" < <(printf '%s\n' "py-hook-catch raise ValueError" run continue continue \
        continue continue continue continue)
    assert_success
    refute_traceback
    assert_equal "$(grep -A1 '^py-hook: catchpoint 1' <<<"$output" | grep -o 'reraise.py:[0-9]* in .*')" \
        "$(printf 'reraise.py:26 in <module>\nreraise.py:18 in g\nreraise.py:34 in <lambda>\nreraise.py:22 in h\nreraise.py:45 in catcher\nreraise.py:51 in <module>')"
    assert_equal "$(program_output)" "$(printf 'caught re-raise\ncaught map\ncaught h\ncaught returned')"
}
