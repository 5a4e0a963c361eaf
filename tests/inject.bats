#!/usr/bin/env bats
# py-hook-inject / py-hook-attach: the helper loaded into a process that was
# started without LD_PRELOAD, at a safe point only.

load helper

teardown() {
    [ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
}

# Starts samples/waiter.py WITHOUT the helper; sets $pid.
start_plain_waiter() {
    env -u LD_PRELOAD "$PY" "$(sample waiter.py)" >"$PROG_OUT" 2>"$PROG_ERR" &
    pid=$!
    local i
    for i in $(seq 50); do
        grep -q waiter.py "/proc/$pid/cmdline" 2>/dev/null && break
        sleep 0.1
    done
    sleep 0.3
}

# Anonymous executable mappings of process $1 (the stub's page would be one).
exec_anon_maps() {
    awk '$2 ~ /x/ && NF == 5' "/proc/$1/maps" | wc -l
}

@test "gdb -p on a process started without the helper: bt reads memory, set names py-hook-inject; after it, py-hook-set ends the loop" {
    start_plain_waiter
    grep -q libhookhelper "/proc/$pid/maps" && fail "the helper is loaded before injection"
    local anon_before
    anon_before=$(exec_anon_maps "$pid")
    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "attach $pid" \
        -ex "py-hook-bt" -ex "py-hook-set done True" -ex "py-hook-inject" \
        -ex "pipe info sharedlibrary | grep -c libhookhelper" \
        -ex "break getppid" -ex continue -ex py-hook-bt -ex "py-hook-set done True" \
        -ex "py-hook-inject" -ex delete -ex "shell awk '\$2 ~ /x/ && NF == 5' /proc/$pid/maps | wc -l | sed 's/^/anon-exec /'" \
        -ex detach
    assert_success
    refute_traceback
    [[ "$stderr" == *"libhookhelper.so is not loaded in process $pid"*"py-hook-inject"* ]] ||
        fail "the command before injection does not name py-hook-inject"
    assert_line "py-hook: read from memory: libhookhelper.so is not loaded (py-hook-inject loads it)"
    assert_line --regexp "^py-hook: loaded .*/libhookhelper.so into process $pid \(helper [0-9.]+, ABI [0-9]+\); the py-hook commands work now\.\$"
    assert_line --regexp '^#0  .*/waiter.py:14 in <module>$'
    assert_line "done = True  (bool)"
    assert_line --partial "is already loaded in process $pid"
    # The loader stub's page was unmapped again: as many anonymous
    # executable mappings as before.
    assert_line "anon-exec $anon_before"
    wait_for_end
    assert_equal "$(program_output)" "waiter done"
}

@test "py-hook-attach PID attaches and injects; it refuses a PID that does not exist" {
    start_plain_waiter
    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-attach $pid" \
        -ex "break getppid" -ex continue -ex "py-hook-set done True" -ex delete -ex detach
    assert_success
    refute_traceback
    assert_line --partial "loaded"
    assert_line "done = True  (bool)"
    wait_for_end
    assert_equal "$(program_output)" "waiter done"

    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-attach 999999999"
    assert_failure
    [[ "$stderr" == *"py-hook: there is no process 999999999"* ]] || fail "no clear error"
    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-attach 12x"
    assert_failure
    [[ "$stderr" == *"'12x' is not a process ID"*"Usage: py-hook-attach"* ]] || fail "no usage error"
}

@test "a preloaded process: py-hook-inject says the helper is there and changes nothing" {
    gdb_session "$(sample seed.py)" <<'EOF_'
break getppid
run
py-hook-inject
py-hook-set a 1000
continue
EOF_
    assert_success
    refute_traceback
    assert_line --regexp "^py-hook: libhookhelper.so is already loaded in process [0-9]+ \(.*\); nothing to do\.\$"
    assert_equal "$(program_output)" "$(printf '1000\n1001\n101')"
}

@test "inside malloc py-hook-inject refuses, naming the place; at a safe stop later it loads and the edit lands" {
    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" \
        -ex "handle SIGUSR1 nostop noprint pass" -ex "break getppid" -ex run -ex delete \
        -ex "tbreak __libc_malloc thread 1" -ex continue -ex py-hook-inject \
        -ex "pipe info sharedlibrary | grep -c libhookhelper" \
        -ex "tbreak getpgrp" -ex continue -ex py-hook-inject -ex "py-hook-set x 2" -ex continue \
        -iex "set args $(sample unsafe.py) malloc > $PROG_OUT 2> $PROG_ERR" "$PY"
    assert_success
    refute_traceback
    [[ "$stderr" == *"not loading the helper now"*"thread 1 is inside the C allocator (frame #0 in "*"--force"* ]] ||
        fail "no refusal naming malloc"
    # Nothing was loaded by the refused command.
    assert_line "0"
    assert_line --partial "the py-hook commands work now"
    assert_line "x = 2  (int)"
    assert_equal "$(program_output)" "x 2"
}

@test "inside the dynamic loader (dlopen of an extension module) py-hook-inject refuses; the program completes" {
    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" \
        -ex "handle SIGUSR1 nostop noprint pass" -ex "break getppid" -ex run -ex delete \
        -ex "tbreak dlopen thread 1" -ex continue -ex py-hook-inject \
        -ex "pipe info sharedlibrary | grep -c libhookhelper" -ex continue \
        -iex "set args $(sample unsafe.py) loader > $PROG_OUT 2> $PROG_ERR" "$PY"
    assert_success
    refute_traceback
    [[ "$stderr" == *"not loading the helper now"*"thread 1 is inside the dynamic loader (frame #0 in "* ]] ||
        fail "no refusal naming the loader"
    assert_line "0"
    assert_equal "$(program_output)" "x 1"
}

@test "py-hook-inject: bad arguments and a missing library get clear errors, and nothing is loaded" {
    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "break getppid" -ex run \
        -ex "py-hook-inject /nonexistent/libhookhelper.so" -ex "py-hook-inject --bogus" \
        -ex "py-hook-inject a b" -ex "pipe info sharedlibrary | grep -c libhookhelper" -ex continue \
        -iex "set args $(sample seed.py) > $PROG_OUT 2> $PROG_ERR" "$PY"
    assert_success
    refute_traceback
    [[ "$stderr" == *"/nonexistent/libhookhelper.so does not exist"* ]] || fail "missing library not named"
    [[ "$stderr" == *"unknown option '--bogus'"* ]] || fail "bad option not named"
    [[ "$stderr" == *"too many arguments"* ]] || fail "extra argument not named"
    assert_line "0"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}
