#!/usr/bin/env bats
# --of VAR: the frame of a suspended generator or coroutine held in a
# variable, listed with py-hook-locals and edited with py-hook-set; the
# program sees the new values when it resumes them (issue 12, item 2).

load helper

gens() {
    gdb_session "$(sample gens.py)" < <(printf '%s\n' "break getppid" run "$@" continue)
}

@test "py-hook-locals --of lists a suspended generator's and coroutine's variables; py-hook-set --of edits them; the program resumes with the new values" {
    gens "py-hook-locals --of gen" "py-hook-locals --of co" "py-hook-set --of gen n 6" \
        "py-hook-set --of gen limit n + 2" "py-hook-set --of co y 100"
    assert_success
    refute_traceback
    assert_line --regexp "^#0  .*gens.py:17 in counter  \(suspended in gen\)$"
    assert_line "limit = 10  (int, arg)"
    assert_line "step = <unbound>  (local)"
    assert_line --regexp "^#0  .*gens.py:28 in job  \(suspended in co\)$"
    assert_line "y = 10  (int)"
    assert_line "n = 6  (int)"
    assert_line "limit = 8  (int, arg)"
    assert_line "y = 100  (int)"
    assert_equal "$(program_output)" "$(printf 'rest [7]\njob 101')"
}

@test "--of refuses what is not a generator, a name that is not bound, an attribute as NAME, clearly; nothing changes" {
    gens "py-hook-locals --of nothing" "py-hook-locals --of os" "py-hook-set --of gen gen.x 1" \
        "py-hook-locals --of" "py-hook-set --of gen nope 1" "py-hook-locals --of later" \
        "py-hook-locals --of later --memory" "py-hook-set --of later n 2"
    refute_traceback
    [[ "$stderr" == *"'nothing' is neither a bound variable of this frame nor a global of its module"* ]] ||
        fail "unbound name not refused"
    [[ "$stderr" == *"'os' holds a module, not a generator, coroutine or async generator"* ]] || fail "module not refused"
    [[ "$stderr" == *"--of and --task take a variable name as NAME"* ]] || fail "attribute NAME not refused"
    [[ "$stderr" == *"--of needs the name of a variable"* ]] || fail "missing VAR not refused"
    [[ "$stderr" == *"'nope' is not a variable of this frame"* ]] || fail "unknown NAME not refused"
    # main's local 'later' is unbound: the global generator of that name is
    # not main's, by either path.
    [ "$(grep -c "'later' is neither a bound variable of this frame nor a global of its module" <<<"$stderr")" -eq 3 ] ||
        fail "an unbound local reached the global of its name"
    assert_equal "$(program_output)" "$(printf 'rest [1, 2, 3, 4, 5, 6, 7, 8, 9]\njob 11')"
}

@test "py-hook-locals --of reads the generator from memory with --memory, and without the helper (saying why); the listing is the helper's" {
    gens "py-hook-locals --of gen" "py-hook-locals --of co" "py-hook-locals --of gen --memory" \
        "py-hook-locals --of co --memory" "py-hook-locals --of nothing --memory" \
        "py-hook-locals --of os --memory"
    assert_success
    refute_traceback
    # Each line twice: through the helper, then from memory.
    for line in "limit = 10  (int, arg)" "n = 0  (int)" "step = <unbound>  (local)" \
        "x = 5  (int, arg)" "y = 10  (int)"; do
        [ "$(grep -cxF "$line" <<<"$output")" -eq 2 ] || fail "'$line' not listed by both paths"
    done
    [ "$(grep -c 'gens.py:17 in counter  (suspended in gen)$' <<<"$output")" -eq 2 ] || fail "gen frame"
    [[ "$stderr" == *"'nothing' is neither a bound variable of this frame nor a global of its module"* ]] ||
        fail "unbound name not refused from memory"
    [[ "$stderr" == *"'os' holds a module, not a generator, coroutine or async generator"* ]] ||
        fail "module not refused from memory"
    assert_equal "$(program_output)" "$(printf 'rest [1, 2, 3, 4, 5, 6, 7, 8, 9]\njob 11')"
}

@test "without the helper, py-hook-locals --of reads memory and says so; py-hook-set --of refuses and names the fix" {
    gdb_session "$(sample gens.py)" <<'EOF_'
unset environment LD_PRELOAD
break getppid
run
py-hook-locals --of gen
py-hook-set --of gen n 6
continue
EOF_
    refute_traceback
    assert_line --regexp '^py-hook: read from memory: .*libhookhelper\.so.*$'
    assert_line "limit = 10  (int, arg)"
    [[ "$stderr" == *"py-hook-inject"* ]] || fail "set without the helper did not name the fix"
    assert_equal "$(program_output)" "$(printf 'rest [1, 2, 3, 4, 5, 6, 7, 8, 9]\njob 11')"
}

@test "in a core file, py-hook-locals --of reads the suspended generator and coroutine" {
    gens "gcore $BATS_TEST_TMPDIR/core" kill
    [ -s "$BATS_TEST_TMPDIR/core" ] || fail "gcore made no core file"
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-locals --of gen" \
        -ex "py-hook-locals --of co" "$PY" "$BATS_TEST_TMPDIR/core"
    refute_traceback
    assert_line --regexp "^#0  .*gens.py:17 in counter  \(suspended in gen\)$"
    assert_line "limit = 10  (int, arg)"
    assert_line --regexp "^#0  .*gens.py:28 in job  \(suspended in co\)$"
    assert_line "y = 10  (int)"
}
