#!/usr/bin/env bats
# After any py-hook command the target's complete register state is exactly what it was.
#
# gdb 13 cannot write the x86 extended state back on CPUs whose XSAVE area it
# does not know (AMX), so py-hook must leave it nothing to write.  These tests
# prove that on any CPU: registers compare equal, floating-point work in
# progress is unaffected, and strace sees no NT_X86_XSTATE write at all.

load helper

# fpwork.py stops in pow() with its arguments live in xmm0/xmm1.  The pow
# breakpoint is set only at the getppid stop: imports at startup (random,
# on some builds) call pow() too.
fp_session() {
    gdb_session "$(sample fpwork.py)" < <(printf '%s\n' "tbreak getppid" run "tbreak pow" continue "$@" continue)
}

expected_fp() {
    "$PY" "$(sample fpwork.py)"
}

@test "every register, general, x87, SSE, AVX and AVX-512 included, is unchanged by py-hook commands" {
    fp_session "pipe info all-registers | cat > $BATS_TEST_TMPDIR/before" \
        "py-hook-bt --full" "py-hook-locals" "py-hook-set i i" \
        "pipe info all-registers | cat > $BATS_TEST_TMPDIR/after"
    assert_success
    refute_traceback
    assert_line "i = 0  (int)"
    [ -s "$BATS_TEST_TMPDIR/before" ] || fail "no register dump"
    grep -qE '^(xmm0|ymm0|zmm0) ' "$BATS_TEST_TMPDIR/before" || fail "the dump has no vector registers"
    diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" || fail "registers changed"
    assert_equal "$(program_output)" "$(expected_fp)"
}

@test "floating-point work in progress at the stop is unaffected: pow() still returns the right values" {
    fp_session "py-hook-bt --full" "py-hook-set i i"
    assert_success
    assert_equal "$(program_output)" "$(expected_fp)"
}

@test "gdb writes no extended register state (NT_X86_XSTATE) back after py-hook's calls" {
    command -v strace >/dev/null || skip "strace is not installed (make deps installs it)"
    local log="$BATS_TEST_TMPDIR/ptrace.log"
    local -a ex=("${PREAMBLE[@]}" -ex "set environment LD_PRELOAD=$HELPER"
        -ex "source $ROOT/gdb/py_hook.py" -ex "tbreak getppid" -ex run -ex "tbreak pow" -ex continue
        -ex "py-hook-bt --full" -ex "py-hook-locals" -ex "py-hook-set i i" -ex continue)
    GDB_WRAPPER=(strace -o "$log" -e trace=ptrace)
    gdb_raw "${ex[@]}" --args "$PY" "$(sample fpwork.py)"
    assert_success
    assert_output --partial "exited normally"
    grep -q 'PTRACE_GETREGSET' "$log" || fail "strace saw no register reads: the trace is not of gdb"
    run grep -c 'PTRACE_SETREGSET.*NT_X86_XSTATE' "$log"
    assert_output 0
}

@test "the strace check is able to fail: a plain gdb inferior call does write NT_X86_XSTATE here" {
    command -v strace >/dev/null || skip "strace is not installed (make deps installs it)"
    local log="$BATS_TEST_TMPDIR/ptrace.log"
    GDB_WRAPPER=(strace -o "$log" -e trace=ptrace)
    gdb_raw "${PREAMBLE[@]}" -ex "tbreak getppid" -ex run \
        -ex 'print (int) getpid()' -ex continue --args "$PY" "$(sample seed.py)"
    if grep -q "Couldn't write extended state" <<<"$stderr"; then
        echo "# an AMX machine: the plain call fails outright, which proves the point too"
    else
        run grep -c 'PTRACE_SETREGSET.*NT_X86_XSTATE' "$log"
        [ "$output" -gt 0 ] || fail "gdb wrote no XSTATE after a plain call; the py-hook check above proves nothing"
    fi
}
