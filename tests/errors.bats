#!/usr/bin/env bats
# Where py-hook cannot act it refuses with the cause and the fix, and the program still finishes normally.

load helper

@test "without the helper preloaded, py-hook-set prints the exact LD_PRELOAD and set environment lines" {
    local -a ex=("${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "break getppid"
        -ex "run" -ex "py-hook-set a 5" -ex "continue")
    gdb_raw "${ex[@]}" --args "$PY" "$(sample seed.py)"
    refute_traceback
    [[ "$stderr" == *"libhookhelper.so is not loaded in process"* ]] || fail "no not-loaded error"
    [[ "$stderr" == *"LD_PRELOAD=$HELPER python3 app.py"* ]] || fail "no LD_PRELOAD line"
    [[ "$stderr" == *"set environment LD_PRELOAD=$HELPER"* ]] || fail "no set environment line"
    assert_line "101"
    assert_output --partial "exited normally"
}

@test "with no process, commands say to run or attach, and gdb -batch exits non-zero" {
    for command in py-hook-bt py-hook-locals "py-hook-set a 1" py-hook-frame py-hook-up; do
        gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex "$command"
        assert_failure 1
        refute_traceback
        [[ "$stderr" == *"py-hook: there is no process: start the program with 'run' or attach to one with 'attach PID' first"* ]] ||
            fail "$command: no no-process error"
    done
}

@test "after the program exited, commands say there is no process" {
    gdb_session "$(sample seed.py)" <<EOF
run
py-hook-bt
EOF
    assert_failure 1
    [[ "$stderr" == *"py-hook: there is no process"* ]] || fail "no no-process error"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "before Py_Initialize, commands refuse: the interpreter is not initialized yet" {
    gdb_session "$(sample seed.py)" <<EOF
break Py_BytesMain
run
py-hook-bt
py-hook-set a 1
continue
EOF
    refute_traceback
    [[ "$stderr" == *"the Python interpreter is not initialized yet; continue to a stop after Py_Initialize [HOOK_ERR_NOT_INITIALIZED]"* ]] ||
        fail "no not-initialized error"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "a thread that runs no Python frame yet gets 'no Python frame', not an empty list" {
    gdb_session "$(sample seed.py)" <<EOF
break Py_RunMain
run
py-hook-bt
continue
EOF
    refute_traceback
    [[ "$stderr" == *"this thread runs no Python frame right now; continue to a stop inside Python code [HOOK_ERR_NO_FRAME]"* ]] ||
        fail "no no-frame error"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "a native thread without a Python thread state is refused; another thread's GIL is never waited for" {
    gdb_session "$(sample threads.py)" <<EOF
break getppid
run
thread 2
py-hook-locals
py-hook-set x 1
thread 3
py-hook-set x 1
thread 1
py-hook-bt
continue
EOF
    refute_traceback
    [[ "$stderr" =~ "thread 2 (LWP "[0-9]+") has no Python thread state: it runs no Python code (a native thread such as faulthandler's watchdog).  Python threads: 1 (LWP "[0-9]+", holds the GIL), 3 (LWP "[0-9]+"); select one with 'thread N'." ]] ||
        fail "no no-thread-state error listing the Python threads"
    [[ "$stderr" =~ "thread 3 does not hold the GIL: thread 1 (LWP "[0-9]+") does.".*"select it with 'thread 1' to act there" ]] ||
        fail "no GIL error naming the holder"
    assert_line --regexp '^#0  .*/threads.py:36 in <module>$'
    assert_equal "$(program_output)" "threads done"
}

@test "after a subinterpreter was created, a thread waiting for the GIL is still refused (and read from memory)" {
    # PyGILState_Check() answers yes on every thread once a subinterpreter
    # exists; acting on its word would run Python code without the GIL.
    gdb_session "$(sample threads.py)" --subinterpreter <<EOF
break getppid
run
thread 3
py-hook-set x 1
py-hook-bt
thread 1
py-hook-bt
continue
EOF
    refute_traceback
    [[ "$stderr" =~ "thread 3 does not hold the GIL: thread 1 (LWP "[0-9]+") does." ]] || fail "no GIL error"
    assert_line --regexp '^py-hook: read from memory: thread 1 \(LWP [0-9]+\) holds the GIL$'
    assert_line --regexp '^#0  .*/threads.py:29 in sleeper$'
    assert_line --regexp '^#0  .*/threads.py:36 in <module>$'
    assert_equal "$(program_output)" "threads done"
}

@test "the last py-hook command failing makes gdb -batch exit non-zero" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-set nosuchname 1
EOF
    assert_failure 1
    [[ "$stderr" == *"'nosuchname' is not a variable of this frame"* ]] || fail "no error"
}

@test "a process without CPython is told so, not told to load the helper" {
    gdb_raw "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" -ex starti -ex py-hook-bt -ex kill /bin/true
    refute_traceback
    [[ "$stderr" == *"py-hook: process "*" shows no CPython in it (no Py_Initialize symbol): py-hook serves CPython 3.11 to 3.15 programs only"* ]] ||
        fail "not told there is no CPython"
    [[ "$stderr" != *"py-hook-inject"* ]] || fail "told to run py-hook-inject"
}
