#!/usr/bin/env bats
# GIL awareness: act when the thread holds the GIL or nobody does; refuse, naming the holder, otherwise; never hang.

load helper

# 3.11 and 3.12 wrap the GIL's fields in _Py_atomic_* structs.
GIL_VALUE=$("$PY" -c 'import sys; print("._value" if sys.version_info < (3, 13) else "")' 2>/dev/null)

# The GIL as gdb reads it from CPython's own debug information, independent
# of py-hook's code: one per process on 3.11, the main interpreter's on 3.12+.
gil() {
    if "$PY" -c 'import sys; sys.exit(sys.version_info >= (3, 12))'; then
        echo "_PyRuntime.ceval.gil"
    else
        echo "(*_PyRuntime.interpreters.main->ceval.gil)"
    fi
}

# gil_print LABEL: a gdb command printing "LABEL: locked L holder H switches
# N".  Without debug information (PYHOOK_NODEBUG_DIR) gdb cannot type
# _PyRuntime, so the fields are read through py-hook's built-in layout,
# which tests/layout.bats proves equal to the debug information's.
gil_print() {
    if [ -n "${PYHOOK_NODEBUG_DIR:-}" ]; then
        echo "python from pyhook import runtime; g = runtime.read().interpreters[0].gil; print('$1: locked %d holder %#x switches %d' % (g.locked, g.last_holder, g.switch_number))"
    else
        local g
        g=$(gil)
        echo "printf \"$1: locked %d holder %#lx switches %lu\\n\", $g.locked${GIL_VALUE}, $g.last_holder${GIL_VALUE}, $g.switch_number"
    fi
}

# The selected thread's interpreter (nodebug: through py-hook's layout).
PY_RT='from pyhook import runtime; rt = runtime.read(); me = rt.thread_for_lwp(gdb.selected_thread().ptid[1])'

# Sets the GIL drop request on the selected thread's interpreter or thread
# state, as a thread waiting for the GIL does after 5 ms.
drop_request_set() {
    if [ -n "${PYHOOK_NODEBUG_DIR:-}" ]; then
        if "$PY" -c 'import sys; sys.exit(sys.version_info >= (3, 13))'; then
            echo "python $PY_RT; me.interp.field('gil_drop_request').write(1); me.interp.field('eval_breaker').write(1)"
        else
            echo "python $PY_RT; f = me.field('eval_breaker'); f.write(f.read() | 1)"
        fi
    elif "$PY" -c 'import sys; sys.exit(sys.version_info >= (3, 13))'; then
        printf '%s\n' "set var _PyRuntime.interpreters.main->ceval.gil_drop_request._value = 1" \
            "set var _PyRuntime.interpreters.main->ceval.eval_breaker._value = 1"
    else
        printf '%s\n' "python t = gdb.selected_thread().ptid[1]; gdb.execute('set var \$ts = _PyRuntime.interpreters.main->threads.head')" \
            "python exec('while int(gdb.parse_and_eval(\"\$ts->native_thread_id\")) != t: gdb.execute(\"set var \$ts = \$ts->next\")')" \
            "set var \$ts->eval_breaker = \$ts->eval_breaker | 1"
    fi
}

drop_request_print() {
    if [ -n "${PYHOOK_NODEBUG_DIR:-}" ]; then
        if "$PY" -c 'import sys; sys.exit(sys.version_info >= (3, 13))'; then
            echo "python $PY_RT; print('request %d breaker %d' % (me.interp.field('gil_drop_request').read(), me.interp.field('eval_breaker').read()))"
        else
            echo "python $PY_RT; b = me.field('eval_breaker').read() & 1; print('request %d breaker %d' % (b, b))"
        fi
    elif "$PY" -c 'import sys; sys.exit(sys.version_info >= (3, 13))'; then
        printf '%s\n' "printf \"request %d breaker %d\\n\", _PyRuntime.interpreters.main->ceval.gil_drop_request._value, _PyRuntime.interpreters.main->ceval.eval_breaker._value"
    else
        printf '%s\n' "printf \"request %d breaker %d\\n\", \$ts->eval_breaker & 1, (\$ts->eval_breaker & 1) != 0"
    fi
}

# interrupt_after SECONDS SAMPLE: sends SIGINT to the sample's python
# process once it runs, as Ctrl-C would.
interrupt_after() {
    signal_program_after INT "$1" "$2"
}

@test "a hung program interrupted with SIGINT (GIL released in sleep): py-hook-set done True, it exits 0; the GIL is as it was" {
    interrupt_after 1 hung.py
    gdb_session "$(sample hung.py)" <<EOF
run
$(gil_print "GIL before")
py-hook-bt
py-hook-set done True
$(gil_print "GIL after")
continue
EOF
    refute_traceback
    assert_line --partial "received signal SIGINT"
    assert_line --regexp '^#0  .*/hung.py:[0-9]+ in <module>$'
    assert_line "done = True  (bool)"
    before=$(grep '^GIL before:' <<<"$output" | sed 's/^GIL before://')
    after=$(grep '^GIL after:' <<<"$output" | sed 's/^GIL after://')
    [ -n "$before" ] || fail "no GIL state printed"
    [[ "$before" == " locked 0 "* ]] || fail "the GIL was not free at the stop: $before"
    assert_equal "$after" "$before"
    assert_line --partial "exited normally"
    assert_equal "$(program_output)" "hung done after some rounds"
}

@test "another thread holds the GIL: set refused at once naming it, bt read from memory, and that thread does not run; acting there works" {
    interrupt_after 1 busy.py
    gdb_session "$(sample busy.py)" <<EOF
run
thread 2
pipe info registers | cat > $BATS_TEST_TMPDIR/busy-before
thread 1
py-hook-set start 0
py-hook-bt
thread 2
pipe info registers | cat > $BATS_TEST_TMPDIR/busy-after
break getppid thread 2
continue
py-hook-set deadline 0
delete
continue
EOF
    refute_traceback
    [[ "$stderr" =~ "thread 1 does not hold the GIL: thread 2 (LWP "[0-9]+") does.".*"select it with 'thread 2' to act there" ]] ||
        fail "no refusal naming thread 2"
    [ "$(grep -c 'thread 1 does not hold the GIL' <<<"$stderr")" -eq 1 ] || fail "py-hook-set not refused once"
    assert_line --regexp '^py-hook: read from memory: thread 2 \(LWP [0-9]+\) holds the GIL$'
    assert_line --regexp '^#[0-9]  .*/busy.py:[0-9]+ in <module>$'
    diff "$BATS_TEST_TMPDIR/busy-before" "$BATS_TEST_TMPDIR/busy-after" || fail "thread 2 ran during the refused commands"
    assert_line "deadline = 0  (int)"
    assert_equal "$(program_output)" "busy stopped early"
}

@test "a GIL drop request pending on the holder (a thread waits for the GIL): the edit neither hangs nor hands over, and the request stays" {
    gdb_session "$(sample busy.py)" --poll < <(printf '%s\n' "break getppid" run \
        "$(drop_request_set)" "$(drop_request_print)" "py-hook-set deadline 0" "$(drop_request_print)" \
        "py-hook-bt" delete continue)
    refute_traceback
    assert_line "deadline = 0  (int)"
    [ "$(grep -c '^request 1 breaker 1$' <<<"$output")" -eq 2 ] || fail "the drop request was not pending before and after"
    assert_line --regexp '^#0  .*/busy.py:[0-9]+ in busy$'
    assert_equal "$(program_output)" "busy stopped early"
}

@test "control: without clearing the eval breaker the same call hangs in the GIL hand-over (so the test above can fail)" {
    gdb_session "$(sample busy.py)" --poll < <(printf '%s\n' "break getppid" run \
        "$(drop_request_set)" "python import pyhook.safety; pyhook.safety.test_unmasked = True" \
        "set py-hook call-timeout 1" "set py-hook interrupt-grace 1" "py-hook-set deadline 0" kill)
    refute_traceback
    [[ "$stderr" == *"was still running after 1 s (set py-hook call-timeout)"* ]] || fail "the unmasked call did not hang"
    # Unwound inside the GIL hand-over, waiting on the GIL's switch
    # condition variable: py-hook must say the program may hang, rather
    # than claim it can go on.
    [[ "$stderr" == *"WARNING: the call was unwound while it waited on a condition variable of the GIL, which still counts that wait"* ]] ||
        fail "no warning about the damaged state"
    [[ "$stderr" != *"The program can continue"* ]] || fail "claimed the program can continue"
}

@test "a ctypes.CDLL call (GIL released around it): the edit lands, and errno is still the program's" {
    gdb_session "$(sample hygiene.py)" --released <<EOF
break getppid
run
py-hook-bt
py-hook-set a 1000
continue
EOF
    refute_traceback
    assert_line "a = 1000  (int)"
    assert_equal "$(program_output)" "$(printf 'errno 1234\na 1000\ncaught ValueError(%s) original\ngc True' "'boom'")"
}
