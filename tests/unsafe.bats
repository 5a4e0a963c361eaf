#!/usr/bin/env bats
# Stopped where a call could deadlock or corrupt (malloc, gc, loader, signal handler, fork), commands refuse.
#
# samples/unsafe.py stops in getppid first, with a second thread running;
# from there a thread-specific temporary breakpoint stops the main thread
# inside the risky step.  Every refusal names the place and the fix, and the
# program then finishes with its normal output.

load helper

# unsafe_session MODE BREAKPOINT [COMMANDS...]: arm at getppid, stop at
# BREAKPOINT in thread 1, run COMMANDS, then let the program finish.
unsafe_session() {
    local mode=$1 where=$2
    shift 2
    gdb_session "$(sample unsafe.py)" "$mode" < <(printf '%s\n' \
        "handle SIGUSR1 nostop noprint pass" "break getppid" run delete "tbreak $where thread 1" \
        continue "$@" continue)
}

# Commands that, stopped at gc_collect_main's entry, step the thread on
# (alone) until the collector's 'collecting' flag is set: 3.13+ sets it
# inside gc_collect_main (older versions before calling it), and only from
# there on is the thread inside a collection.  (Stepping, since hardware
# watchpoints never fire on the VMs this suite runs on, seen here.)
INTO_COLLECTION=("set scheduler-locking step"
    "python from pyhook import runtime; rt = runtime.read(); at = rt.interpreters[0].address + rt.fields.off('interp.gc_collecting'); flag = lambda: gdb.selected_inferior().read_memory(at, 4).tobytes() != bytes(4); [gdb.execute('stepi', to_string=True) for _ in range(100000) if not flag()]; print('collecting %s' % flag())"
    "set scheduler-locking replay")

refused_inside() {
    [[ "$stderr" == *"py-hook: not calling into thread 1: it is stopped inside $1"* ]] ||
        fail "no refusal naming '$1'"
    [[ "$stderr" == *"or repeat the command with --force"* ]] || fail "the refusal does not name the fix"
}

@test "inside malloc (entry), with a second thread: py-hook-set refuses, py-hook-bt and py-hook-locals read memory; the program completes" {
    unsafe_session malloc __libc_malloc "py-hook-set x 2" "py-hook-bt" "py-hook-locals"
    refute_traceback
    refused_inside "the C allocator (frame #0 in "
    [ "$(grep -c 'not calling into thread 1' <<<"$stderr")" -eq 1 ] || fail "py-hook-set did not refuse"
    [ "$(grep -c '^py-hook: read from memory: thread 1 is inside the C allocator$' <<<"$output")" -eq 2 ] ||
        fail "bt and locals did not read memory, saying why"
    assert_line --regexp '^#0  .*/unsafe.py:53 in <module>$'
    assert_line "x = 1  (int)"
    assert_equal "$(program_output)" "x 1"
}

@test "--force calls anyway at malloc's entry (no lock taken yet) with a warning, and the edit lands" {
    unsafe_session malloc __libc_malloc "py-hook-set --force x 2"
    refute_traceback
    [[ "$stderr" == *"py-hook: warning: --force: calling into thread 1 although it is inside the C allocator"* ]] ||
        fail "no warning"
    assert_line "x = 2  (int)"
    assert_equal "$(program_output)" "x 2"
}

@test "--force inside _int_malloc deadlocks on the arena lock: the call is interrupted, unwound, and the program completes" {
    # _int_malloc runs with the arena locked; a 1 MB string needs malloc.
    # It is static: only glibc's debug symbols name it.
    with_libc_symbols
    unsafe_session malloc _int_malloc "set py-hook call-timeout 1" "set py-hook interrupt-grace 1" \
        "py-hook-set --force x 'y' * 1000000" "py-hook-set x 3"
    refute_traceback
    [[ "$stderr" == *"was still running after 1 s (set py-hook call-timeout), waiting on a lock"* ]] ||
        fail "no timeout report"
    [[ "$stderr" == *"The helper undid what the call had begun"*"py-hook stays usable"* ]] || fail "not recovered"
    refused_inside "the C allocator"
    assert_equal "$(program_output)" "x 1"
}

@test "during a garbage collection (gc_collect_main): set refused, bt read from memory; the program completes" {
    unsafe_session gc "$(code_location gc_collect_main)" "${INTO_COLLECTION[@]}" "py-hook-set x 2" "py-hook-bt"
    refute_traceback
    assert_line "collecting True"
    refused_inside "a garbage collection ("
    assert_line --regexp '^py-hook: read from memory: thread 1 is inside a garbage collection$'
    assert_line --regexp '^#0  .*/unsafe.py:55 in <module>$'
    if [ -n "${PYHOOK_NODEBUG_DIR:-}" ]; then
        # No frame is named gc_collect_main without debug symbols: the
        # collector's own flag, read from memory, gives it away.
        [[ "$stderr" == *"its 'collecting' flag is set"* ]] || fail "not told by the collector's flag"
    fi
    assert_equal "$(program_output)" "x 1"
}

@test "inside a __del__ the collector runs (Python code already runs there): the edit lands, as docs/safety.md says" {
    unsafe_session finalizer getpgrp "py-hook-bt" "py-hook-set seen 5"
    refute_traceback
    if [ -n "${PYHOOK_NODEBUG_DIR:-}" ]; then
        # Without symbols no frame names the collector, so py-hook goes by
        # its 'collecting' flag and cannot tell a finalizer from the
        # collector's own code: it refuses, as docs/safety.md says.
        [[ "$stderr" == *"its 'collecting' flag is set"* ]] || fail "not refused by the flag"
        assert_equal "$(program_output)" "x 1"
    else
        assert_line --regexp '^#0  .*/unsafe.py:[0-9]+ in Finalized.__del__$'
        assert_line "seen = 5  (int)"
        assert_equal "$(program_output)" "$(printf 'finalizer saw 5\nx 1')"
    fi
}

@test "inside the dynamic loader (dlopen of an extension module): refused; the program completes" {
    unsafe_session loader dlopen "py-hook-set x 2"
    refute_traceback
    refused_inside "the dynamic loader (frame #"
    assert_equal "$(program_output)" "x 1"
}

@test "inside a signal handler (CPython's C-level handler): refused; the program completes" {
    unsafe_session signal "$(code_location signal_handler)" "py-hook-set x 2"
    refute_traceback
    refused_inside "a signal handler (frame #"
    assert_equal "$(program_output)" "x 1"
}

@test "inside fork: refused; the program completes and its child exits" {
    unsafe_session fork _Fork "py-hook-set x 2"
    refute_traceback
    refused_inside "fork (frame #"
    assert_equal "$(program_output)" "x 1"
}

@test "inside a function gdb called and stopped in: refused as an unfinished call; the program completes" {
    gdb_session "$(sample unsafe.py)" malloc <<EOF
break getppid
run
break getpgrp
call (int) getpgrp()
py-hook-set x 2
delete
finish
continue
EOF
    refute_traceback
    refused_inside "a function gdb called"
    assert_equal "$(program_output)" "x 1"
}

@test "back at a safe stop after a refusal, the same command works and the program sees the edit" {
    unsafe_session gc "$(code_location gc_collect_main)" "${INTO_COLLECTION[@]}" "py-hook-set x 2" \
        "tbreak getpgrp" "continue" "py-hook-set x 5"
    refute_traceback
    refused_inside "a garbage collection"
    assert_line "x = 5  (int)"
    assert_equal "$(program_output)" "x 5"
}
