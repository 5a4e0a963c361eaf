#!/usr/bin/env bats
# py-hook-save NAME FILE and py-hook-load NAME FILE: a value pickled in one
# run of the program and loaded into a later one, skipping the work that
# made it (samples/cache.py; SKIP=1 leaves result None).

load helper

UNEDITED="points 1000 total 332833500 last Point(999, 998001) label 'run'"

cache() {
    gdb_session "$(sample cache.py)" < <(printf '%s\n' "$@")
}

@test "a result saved in one run is loaded into a later run that skipped computing it; the program prints it, with a type warning" {
    local file="$BATS_TEST_TMPDIR/result.pkl"
    cache "break getppid" run "py-hook-save result $file" continue
    assert_success
    refute_traceback
    assert_line --regexp "^saved result to $file \([0-9]+ bytes, pickle protocol 5\)$"
    assert_equal "$(program_output)" "$UNEDITED"
    cache "set environment SKIP=1" "break getppid" run "py-hook-load result $file" continue
    assert_success
    refute_traceback
    assert_line "loaded result from $file"
    assert_line "warning: result held a value of type NoneType; the value loaded into it is of type dict"
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "an unpicklable value is refused and no file is left; the program ends normally" {
    cache "break getppid" run "py-hook-save guard $BATS_TEST_TMPDIR/guard.pkl" continue
    refute_traceback
    [[ "$stderr" == *"py-hook-save: guard was not saved to $BATS_TEST_TMPDIR/guard.pkl: EXPR raised: TypeError: cannot pickle '_thread.lock' object"* ]] ||
        fail "no pickling error"
    run ls "$BATS_TEST_TMPDIR"
    refute_output --partial guard.pkl
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "a missing file, a file that is no pickle and a directory are clear errors; the variable keeps its value" {
    echo "not a pickle" > "$BATS_TEST_TMPDIR/text"
    cache "break getppid" run "py-hook-load label $BATS_TEST_TMPDIR/missing.pkl" \
        "py-hook-load label $BATS_TEST_TMPDIR/text" "py-hook-load label $BATS_TEST_TMPDIR" "py-hook-load label" \
        "py-hook-save" "py-hook-load 1abc $BATS_TEST_TMPDIR/text" continue
    refute_traceback
    [[ "$stderr" == *"py-hook-load: label was not loaded from $BATS_TEST_TMPDIR/missing.pkl: EXPR raised: FileNotFoundError"* ]] ||
        fail "no FileNotFoundError"
    [[ "$stderr" == *"UnpicklingError"* ]] || fail "no UnpicklingError"
    [[ "$stderr" == *"IsADirectoryError"* ]] || fail "no IsADirectoryError"
    [[ "$stderr" == *"py-hook-load: NAME and FILE are both needed"* ]] || fail "no usage error for one word"
    [[ "$stderr" == *"py-hook-save: NAME and FILE are missing"* ]] || fail "no usage error for nothing"
    [[ "$stderr" == *"py-hook-load: '1abc' is not a Python identifier"* ]] || fail "bad NAME not refused"
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "a relative FILE is gdb's, a quoted FILE may hold blanks, an attribute or item is a NAME; loading edits the running frame" {
    cache "cd $BATS_TEST_TMPDIR" "break getppid" run "py-hook-save label rel.pkl" \
        "py-hook-save result['total'] \"$BATS_TEST_TMPDIR/a b.pkl\"" "py-hook-exec label = 'edited'" \
        "py-hook-load result['total'] \"$BATS_TEST_TMPDIR/rel.pkl\"" "py-hook-load label '$BATS_TEST_TMPDIR/rel.pkl'" continue
    assert_success
    refute_traceback
    [ -f "$BATS_TEST_TMPDIR/rel.pkl" ] || fail "rel.pkl is not in gdb's directory"
    [ -f "$BATS_TEST_TMPDIR/a b.pkl" ] || fail "a b.pkl was not written"
    assert_line "result['total'] = 'run'  (str, len 3)"
    assert_line "warning: result['total'] held a value of type int; the value loaded into it is of type str"
    assert_equal "$(program_output)" "points 1000 total run last Point(999, 998001) label 'run'"
}

@test "saving keeps the file's mode, follows a symlink, never touches a file named like its temporary, leaves nothing behind on failure, and works where the frame shadows builtins" {
    local d="$BATS_TEST_TMPDIR"
    echo old > "$d/perm.pkl"; chmod 600 "$d/perm.pkl"
    ln -s perm.pkl "$d/link.pkl"
    echo precious > "$d/t.pkl.py-hook-tmp"
    mkdir "$d/adir"
    gdb_session "$(sample shadow.py)" <<EOF
break getppid
run
py-hook-save x $d/link.pkl
py-hook-save x $d/t.pkl
py-hook-save x $d/adir
py-hook-load x $d/perm.pkl
py-hook-set x['b'] 2
continue
EOF
    refute_traceback
    assert_line --regexp "^saved x to $d/link.pkl \([0-9]+ bytes, pickle protocol 5\)$"
    [[ "$stderr" == *"py-hook-save: x was not saved to $d/adir"*"IsADirectoryError"* ]] || fail "a directory was not refused"
    assert_line "loaded x from $d/perm.pkl"
    [ -L "$d/link.pkl" ] || fail "the symlink was replaced"
    assert_equal "$(stat -c %a "$d/perm.pkl")" 600
    assert_equal "$(cat "$d/t.pkl.py-hook-tmp")" precious
    [ -f "$d/t.pkl" ] || fail "t.pkl was not written"
    run ls -A "$d" "$d/adir"
    refute_output --partial ".py-hook-tmp."
    assert_equal "$(program_output)" "x {'a': 1, 'b': 2} open True"
}
