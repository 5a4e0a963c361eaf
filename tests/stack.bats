#!/usr/bin/env bats
# py-hook-bt, py-hook-frame, py-hook-up, py-hook-down.

load helper

seed() {
    gdb_session "$(sample seed.py)" < <(printf '%s\n' "break getppid" run "$@" continue)
}

@test "py-hook-bt lists the Python frames innermost first as #N FILE:LINE in FUNCTION" {
    seed py-hook-bt
    assert_success
    refute_traceback
    local file
    file="$(sample seed.py)"
    assert_line "#0  $file:19 in main"
    assert_line "#1  $file:28 in <module>"
    assert_equal "$(grep -c '^#' <<<"$output")" 2
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "py-hook-bt shows qualified names: make_counter.<locals>.bump, Account.deposit" {
    gdb_session "$(sample shapes.py)" <<EOF
tbreak getppid
run
py-hook-bt
tbreak getpriority
continue
py-hook-bt
continue
EOF
    assert_success
    assert_line --regexp '^#0  .*/shapes.py:24 in make_counter.<locals>.bump$'
    assert_line --regexp '^#0  .*/shapes.py:45 in Account.deposit$'
    assert_line --regexp '^#1  .*/shapes.py:55 in main$'
}

@test "py-hook-bt --full adds each frame's variables, indented" {
    seed "py-hook-bt --full"
    assert_success
    assert_line "    a = 1  (int)"
    assert_line "    b = <unbound>  (local)"
    assert_line "    GLOBAL_VAR = 100  (int)"
}

@test "py-hook-bt rejects arguments other than --full, naming the one that is wrong" {
    seed "py-hook-bt --fill" "py-hook-bt 3" "py-hook-bt foo --full"
    refute_traceback
    [[ "$stderr" == *"py-hook-bt: unknown option '--fill'"* ]] || fail "no error for --fill"
    [[ "$stderr" == *"py-hook-bt: unexpected argument '3'"* ]] || fail "no error for 3"
    [[ "$stderr" == *"py-hook-bt: unexpected argument 'foo'"* ]] || fail "foo not named"
    [[ "$stderr" == *"Usage: py-hook-bt [--full [--globals]] [--all] [--memory | --force]"* ]] || fail "no usage line"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "py-hook-frame N selects a frame, shows Hooked at FILE:LINE in FUNCTION() and the source line" {
    seed "py-hook-frame 1" py-hook-locals "py-hook-frame"
    assert_success
    local file
    file="$(sample seed.py)"
    assert_line "Hooked at $file:28 in <module>()"
    assert_line "28	    main()"
    assert_line "GLOBAL_VAR = 100  (int)"
    refute_line "a = 1  (int)"
    assert_equal "$(grep -c "^Hooked at $file:28" <<<"$output")" 2
}

@test "py-hook-set acts on the selected frame: after py-hook-frame 1, GLOBAL_VAR is a name there" {
    seed "py-hook-frame 1" "py-hook-set GLOBAL_VAR 5"
    assert_success
    assert_equal "$(program_output)" "$(printf '1\n2\n6')"
}

@test "py-hook-up and py-hook-down move the selection and stop at the ends with a clear error" {
    seed py-hook-up py-hook-up py-hook-down py-hook-down "py-hook-up 1" "py-hook-down 1"
    local file
    file="$(sample seed.py)"
    assert_equal "$(grep -c "^Hooked at $file:28 in <module>()" <<<"$output")" 2
    assert_equal "$(grep -c "^Hooked at $file:19 in main()" <<<"$output")" 2
    assert_line "19	    os.getppid()  # the native stop: break getppid"
    [[ "$stderr" == *"py-hook-up: already at the outermost Python frame (#1)"* ]] || fail "no error at the top"
    [[ "$stderr" == *"py-hook-down: already at the innermost Python frame (#0)"* ]] || fail "no error at the bottom"
    refute_traceback
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "py-hook-up and py-hook-down by more frames than there are move to the end and say so" {
    seed "py-hook-up 5" py-hook-frame "py-hook-down 9" py-hook-frame
    local file
    file="$(sample seed.py)"
    assert_line "py-hook: py-hook-up: only 1 frame outwards; selecting the outermost (#1)"
    assert_line "py-hook: py-hook-down: only 1 frame inwards; selecting the innermost (#0)"
    assert_equal "$(grep -c "^Hooked at $file:28 in <module>()" <<<"$output")" 2
    assert_equal "$(grep -c "^Hooked at $file:19 in main()" <<<"$output")" 2
    refute_traceback
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "the selection goes back to frame 0 when the program stops again" {
    gdb_session "$(sample shapes.py)" <<EOF
tbreak getppid
run
py-hook-frame 1
tbreak getpriority
continue
py-hook-frame
continue
EOF
    assert_success
    assert_line --regexp '^Hooked at .*/shapes.py:45 in Account.deposit\(\)$'
}

@test "py-hook-frame rejects a frame number past the outermost frame" {
    seed "py-hook-frame 2" "py-hook-frame -3" "py-hook-frame 1 2"
    [[ "$stderr" == *"there is no Python frame 2: this thread has 2 (0 to 1); see py-hook-bt"* ]] || fail "no range error"
    [[ "$stderr" == *"frame numbers start at 0 (innermost), got -3"* ]] || fail "no error for -3"
    [[ "$stderr" == *"py-hook-frame: too many arguments"* ]] || fail "no error for 1 2"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}
