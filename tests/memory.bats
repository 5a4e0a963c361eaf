#!/usr/bin/env bats
# Showing is never refused where memory can be read: where py-hook cannot
# call into a thread, py-hook-bt, py-hook-frame and py-hook-locals read its
# frames from memory and say so in one line; --memory asks for that path;
# py-hook-bt --all lists every thread.  Writing still needs a call.

load helper

WAITS_LINE=70

# The header lines of thread NAME in py-hook-bt --all.
thread_header() {
    grep -E "^Thread [0-9]+ \(LWP [0-9]+\) \"$1\": " <<<"$output"
}

@test "py-hook-bt --all: six threads in six waits, each with its gdb number, LWP, Python name, GIL state and stack" {
    gdb_session "$(sample waits.py)" <<EOF
break getppid
run
py-hook-bt --all
py-hook-bt --all --full
continue
EOF
    assert_success
    refute_traceback
    local file name
    file="$(sample waits.py)"
    [ "$(grep -cE '^Thread 1 \(LWP [0-9]+\) "MainThread": holds the GIL$' <<<"$output")" -eq 2 ] ||
        fail "no header for the main thread"
    assert_line "#0  $file:$WAITS_LINE in <module>"
    for name in sleeper locker queuer eventer computer; do
        [ "$(thread_header "$name" | wc -l)" -eq 2 ] || fail "no header for $name (twice)"
        assert_line --regexp "^#[0-9]  $file:[0-9]+ in $name\$"
        assert_line "    mine = '$name'  (str, len ${#name})"
    done
    thread_header sleeper | grep -q ': released the GIL' || fail "the sleeper does not show the GIL released"
    thread_header locker | grep -q ': released the GIL' || fail "the locker does not show the GIL released"
    # The computing thread waits for the GIL; without CPython's symbols
    # the wait is in code gdb cannot name, and it shows as released.
    thread_header computer | grep -Eq ': (waits for the GIL|hands the GIL over|released the GIL)' ||
        fail "no GIL state for computer"
    if [ -z "${PYHOOK_NODEBUG_DIR:-}" ]; then
        # It waits to take the GIL back, or was caught handing it over.
        thread_header computer | grep -Eq ': (waits for the GIL|hands the GIL over to a waiting thread)$' ||
            fail "computer neither waits for the GIL nor hands it over"
        thread_header sleeper | grep -q 'released the GIL in pysleep' || fail "sleeper: not in pysleep"
    fi
    assert_line "#0  $file:30 in sleeper"
    assert_line "#0  $file:37 in locker"
    assert_line "#2  $file:44 in queuer"
    assert_line "#2  $file:50 in eventer"
    assert_equal "$(program_output)" "waits done 5"
}

@test "a thread waiting for the GIL: bt, frame and locals read from memory and say why; set still refuses; thread apply all goes through every thread" {
    gdb_session "$(sample waits.py)" <<EOF
break getppid
run
thread 6
py-hook-bt
py-hook-frame 0
py-hook-bt --full
py-hook-set mine 'changed'
thread apply all py-hook-bt
continue
EOF
    refute_traceback
    local file name
    file="$(sample waits.py)"
    [ "$(grep -cE '^py-hook: read from memory: thread 1 \(LWP [0-9]+\) holds the GIL$' <<<"$output")" -ge 8 ] ||
        fail "not every command from another thread said why it read memory"
    assert_line "    mine = 'computer'  (str, len 8)"
    assert_line --regexp "^    total = [0-9]+  \(int\)$"
    [[ "$stderr" == *"py-hook: thread 6 does not hold the GIL: thread 1 (LWP "* ]] || fail "set not refused"
    [ "$(grep -c '^Thread [0-9]* (Thread 0x' <<<"$output")" -eq 6 ] || fail "not every thread visited"
    for name in sleeper locker queuer eventer computer; do
        assert_line --regexp "^#[0-9]  $file:[0-9]+ in $name\$"
    done
    assert_equal "$(program_output)" "waits done 5"
}

@test "a native thread: py-hook-bt says it has no Python thread state without failing; --all lists it as native" {
    gdb_session "$(sample threads.py)" <<EOF
break getppid
run
thread 2
py-hook-bt
py-hook-bt --all
continue
EOF
    assert_success
    refute_traceback
    assert_line --regexp '^\(thread 2, LWP [0-9]+, has no Python thread state: a native thread\)$'
    assert_line --regexp '^Thread 2 \(LWP [0-9]+\)( "[^"]*")?: native \(no Python thread state\)$'
    assert_line --regexp '^Thread 3 \(LWP [0-9]+\) "sleeper-with-a-long-name": (released|waits for) the GIL'
    assert_equal "$(program_output)" "threads done"
}

@test "without the helper: bt, frame and locals read from memory, saying the helper is not loaded; set refuses; nothing is loaded; the program runs on" {
    local -a ex=("${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "break getppid"
        -ex "run" -ex "py-hook-bt" -ex "py-hook-frame 1" -ex "py-hook-locals" -ex "py-hook-down"
        -ex "py-hook-locals --memory" -ex "py-hook-set a 5" -ex "info sharedlibrary" -ex "continue")
    gdb_raw "${ex[@]}" --args "$PY" "$(sample seed.py)"
    refute_traceback
    local file
    file="$(sample seed.py)"
    [ "$(grep -c '^py-hook: read from memory: libhookhelper.so is not loaded (py-hook-inject loads it)$' <<<"$output")" -eq 4 ] ||
        fail "not every command said why it read memory"
    assert_line "#0  $file:19 in main"
    assert_line "#1  $file:28 in <module>"
    assert_line "Hooked at $file:28 in <module>()"
    assert_line "GLOBAL_VAR = 100  (int)"
    assert_line "a = 1  (int)"
    [[ "$stderr" == *"libhookhelper.so is not loaded in process"* ]] || fail "set did not refuse"
    refute_output --partial "hookhelper.so ("
    ! grep -q "libhookhelper" <<<"$(grep '^0x' <<<"$output")" || fail "the helper got loaded"
    assert_line "101"
    assert_output --partial "exited normally"
}

@test "--memory reads memory even where a call is safe, and gives what the helper gives; with --force it is a usage error" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-locals --memory
py-hook-bt --memory
py-hook-frame 1 --memory
py-hook-bt --memory --force
py-hook-locals --force --memory
py-hook-set --frame 0 a 1000
continue
EOF
    refute_traceback
    refute_line --partial "read from memory"
    assert_line "a = 1  (int)"
    assert_line "b = <unbound>  (local)"
    assert_line --regexp '^#1  .*/seed.py:28 in <module>$'
    [[ "$stderr" == *"py-hook-bt: --force makes a call where py-hook finds it unsafe; --memory and --all make none"* ]] ||
        fail "no usage error for bt"
    [[ "$stderr" == *"py-hook-locals: --force and --memory exclude each other"* ]] || fail "no usage error for locals"
    assert_equal "$(program_output)" "$(printf '1000\n1001\n101')"
}

@test "Ctrl-C during a long listing from memory quits it with one line; the next command works; the program ends normally" {
    local ready="$BATS_TEST_TMPDIR/ready" out="$BATS_TEST_TMPDIR/gdb.out"
    # gdb writes its own process id when it reaches the stop; the signal
    # goes to gdb itself, timeout staying only the safety net (signalled,
    # timeout would forward the signal and arm its -k kill).
    timeout -k 5 120 env --default-signal=INT gdb -nx -batch "${GDB_INIT[@]}" "${PREAMBLE[@]}" \
        -ex "source $ROOT/gdb/py_hook.py" -ex "break getppid" -ex run \
        -ex "python import os; open('$ready.tmp', 'w').write(str(os.getpid())); os.rename('$ready.tmp', '$ready')" \
        -ex "py-hook-bt --full --memory" -ex "py-hook-bt --full --memory" \
        -ex "py-hook-bt --full --memory" -ex "py-hook-bt --full --memory" \
        -ex "py-hook-bt --full --memory" -ex "py-hook-bt --full --memory" -ex "echo AFTER\n" \
        -ex "py-hook-bt --memory" -ex delete -ex continue \
        --args "$PY" "$(sample stack.py)" 5000 >"$out" 2>&1 &
    local timeout_pid=$! rc=0
    for _ in $(seq 300); do [ -s "$ready" ] && break; sleep 0.1; done
    [ -s "$ready" ] || fail "gdb never reached the stop"
    sleep 0.2
    kill -INT "$(cat "$ready")"
    wait "$timeout_pid" || rc=$?
    grep -v '^#\|^    ' "$out"
    [ "$rc" -le 1 ] || fail "gdb exited with $rc"
    # The output is 130000 lines: grep it, never a shell loop over it.
    ! grep -q 'Traceback\|Python Exception' "$out" || fail "gdb printed a Python traceback"
    # Six listings of about 0.2 s each: the signal lands in one of them.
    grep -qx "Quit" "$out" || fail "no Quit"
    # The listing after the Quit is whole: 5002 frames.
    [ "$(sed -n '/^AFTER$/,$p' "$out" | grep -c '^#')" -eq 5002 ] || fail "the listing after Ctrl-C is not whole"
    grep -qx "stack done 5000" "$out" || fail "the program did not end normally"
}
