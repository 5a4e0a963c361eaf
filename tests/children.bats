#!/usr/bin/env bats
# Children of a preloaded program inherit LD_PRELOAD: gdb -p CHILD edits them like any preloaded program.

load helper

teardown() {
    # Never leave the parent or the child behind if the edit did not end the child's loop.
    [ -z "${childpid:-}" ] || kill "$childpid" 2>/dev/null || true
    [ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
}

# Runs samples/children.py METHOD, attaches gdb to the child it starts, sets its `done` to True,
# detaches, and checks what the child and the parent print afterwards.
edit_child() {
    local method=$1 pidfile="$BATS_TEST_TMPDIR/child.pid" i
    if [ "$(id -u)" -ne 0 ] && [ "$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 0)" -ge 1 ]; then
        skip "kernel.yama.ptrace_scope >= 1: attaching the child (not gdb's own) needs root"
    fi
    # The python process itself must be $!: no timeout or env process between.
    LD_PRELOAD="$HELPER" "$PY" "$(sample children.py)" "$method" "$pidfile" >"$PROG_OUT" 2>"$PROG_ERR" &
    pid=$!
    for i in $(seq 200); do
        [ -s "$pidfile" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -s "$pidfile" ] || fail "no child pid file after 20 s; parent printed: $(program_output) $(program_errors)"
    childpid=$(<"$pidfile")
    [ "$childpid" != "$pid" ] || fail "the pid file names the parent itself"
    # The child is the parent's own, and it inherited the preload and actually loaded the helper.
    assert_equal "$(awk '$1 == "PPid:" { print $2 }' "/proc/$childpid/status")" "$pid"
    tr '\0' '\n' <"/proc/$childpid/environ" | grep -qxF "LD_PRELOAD=$HELPER" ||
        fail "child $childpid has no LD_PRELOAD=$HELPER in its environment"
    grep -qF "$HELPER" "/proc/$childpid/maps" || fail "child $childpid has not loaded $HELPER"

    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "attach $childpid" \
        -ex "break getppid" -ex continue -ex py-hook-bt -ex "py-hook-set done True" \
        -ex delete -ex detach
    assert_success
    refute_traceback
    assert_line --regexp '^#0  .*/children.py:[0-9]+ in wait_for_edit$'
    assert_line "done = True  (bool)"
    # Bounded wait: if the edit did not land the child would loop for 60 s, then exit 3.
    wait_for_end 20
    assert_equal "$(program_output)" "$(printf 'child %s done after edit\nparent: child exit code 0' "$method")"
    assert_equal "$(program_errors)" ""
}

@test "a multiprocessing child (fork, Linux's default) of a preloaded program: gdb -p CHILD, py-hook-set done True" {
    edit_child fork
}

@test "a multiprocessing child (spawn) of a preloaded program: gdb -p CHILD, py-hook-set done True" {
    edit_child spawn
}

@test "a subprocess child (sys.executable) of a preloaded program: gdb -p CHILD, py-hook-set done True" {
    edit_child subprocess
}
