#!/usr/bin/env bats
# The README's first tutorial: a preloaded program already running, gdb -p, edit, detach.

load helper

teardown() {
    # Never leave the waiter behind if the edit did not end its loop.
    [ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
}

@test "gdb -p on a running preloaded program: py-hook-set done True ends its loop after detach" {
    # The python process itself must be $!: no timeout or env process between.
    LD_PRELOAD="$HELPER" "$PY" "$(sample waiter.py)" >"$PROG_OUT" 2>"$PROG_ERR" &
    pid=$!
    sleep 0.5
    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "attach $pid" \
        -ex "break getppid" -ex continue -ex py-hook-bt -ex "py-hook-set done True" \
        -ex delete -ex detach
    assert_success
    refute_traceback
    assert_line --regexp '^#0  .*/waiter.py:14 in <module>$'
    assert_line "done = True  (bool)"
    # Bounded wait: if the edit did not land the waiter would loop forever.
    wait_for_end
    assert_equal "$(program_output)" "waiter done"
    assert_equal "$(program_errors)" ""
}
