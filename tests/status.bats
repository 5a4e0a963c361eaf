#!/usr/bin/env bats
# py-hook-status: helper, Python, interpreter, GIL and every thread, and the verdict for the selected one.

load helper

python_version() {
    "$PY" -c 'import platform; print(platform.python_version())'
}

@test "three threads: the GIL holder, a native thread without a thread state, a sleeper; verdict for each" {
    gdb_session "$(sample threads.py)" <<EOF
break getppid
run
py-hook-status
thread 2
py-hook-status
thread 3
py-hook-status
thread 1
continue
EOF
    refute_traceback
    assert_line "Helper: libhookhelper.so 0.8.0 (ABI 8), $HELPER"
    assert_line --regexp "^Python: CPython $(python_version), (release|debug \(Py_DEBUG\)) build, "
    assert_line --partial "Interpreter: initialized, not finalizing; 1 interpreter, 2 Python thread states"
    assert_line --regexp '^GIL: held by thread 1 \(LWP [0-9]+\) \(switches so far: [0-9]+\)$'
    assert_line "Garbage collection: not running"
    # Python's thread names, read from memory at every stop.
    assert_line --regexp '^  \* 1 +[0-9]+ +MainThread +yes +holds it$'
    assert_line --regexp '^    2 +[0-9]+ +\S+ +no +-$'
    # Python's name whole, not cut to the kernel's 15 bytes.
    # Where it released the GIL takes a named native frame: without any
    # debug symbols (neither CPython's nor glibc's) gdb may have none.
    local where='released it \(in .*\)'
    [ -z "${PYHOOK_NODEBUG_DIR:-}" ] || where='released it( \(in .*\))?'
    assert_line --regexp "^    3 +[0-9]+ +sleeper-with-a-long-name +yes +(waits for it|hands it over|$where)\$"
    [ "$(grep -c '^ *[* ] 3 \+[0-9]\+ \+sleeper-with-a-long-name ' <<<"$output")" -eq 3 ] ||
        fail "the Python name is not shown at every stop"
    refute_output --partial "OS names are shown"
    assert_line "Selected thread 1: py-hook can read and edit its Python frames now: it holds the GIL."
    assert_line --regexp "^Selected thread 2: py-hook refuses to call into it: thread 2 \(LWP [0-9]+\) has no Python thread state"
    assert_line --regexp "^Selected thread 3: py-hook refuses to call into it: thread 3 does not hold the GIL: thread 1 \(LWP [0-9]+\) does"
    assert_equal "$(program_output)" "threads done"
}

@test "inside malloc, where the other commands refuse, py-hook-status still reports, with the reason" {
    gdb_session "$(sample unsafe.py)" malloc <<EOF
break getppid
run
delete
tbreak __libc_malloc thread 1
continue
py-hook-status
continue
EOF
    refute_traceback
    assert_line --regexp '^  \* 1 +[0-9]+ +\S+ +yes +holds it$'
    assert_line --regexp "^Selected thread 1: py-hook refuses to call into it \(--force overrides\): it is inside the C allocator \(frame #0 in "
    assert_equal "$(program_output)" "x 1"
}

@test "a thread in time.sleep with the GIL free: the verdict says py-hook takes the GIL for each command" {
    gdb_session "$(sample hung.py)" <<EOF
break clock_nanosleep
run
py-hook-status
py-hook-set done True
delete
continue
EOF
    refute_traceback
    assert_line --regexp '^GIL: free \(switches so far: [0-9]+\)$'
    assert_line --regexp '^  \* 1 +[0-9]+ +\S+ +yes +released it \(in .*clock_nanosleep\)$'
    assert_line "Selected thread 1: py-hook can read and edit its Python frames now: it released the GIL (a blocking call) and nobody holds it: py-hook takes it for each command and gives it back."
    assert_equal "$(program_output)" "hung done after some rounds"
}

@test "before Py_Initialize: not initialized, no thread states; the program then runs normally" {
    gdb_session "$(sample seed.py)" <<EOF
break Py_BytesMain
run
py-hook-status
continue
EOF
    refute_traceback
    assert_line --partial "Interpreter: NOT initialized yet, not finalizing"
    assert_line --regexp '^  \* 1 +[0-9]+ +\S+ +no +-$'
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "py-hook-status rejects arguments, and needs a process" {
    gdb_session "$(sample seed.py)" <<EOF
py-hook-status
break getppid
run
py-hook-status now
continue
EOF
    refute_traceback
    [[ "$stderr" == *"py-hook: there is no process"* ]] || fail "no no-process error"
    [[ "$stderr" == *"py-hook-status takes no arguments"* ]] || fail "no usage error"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "during finalization: status says finalizing and the commands say the interpreter is shutting down; the program ends normally" {
    gdb_session "$(sample seed.py)" <<EOF
break $(code_location finalize_modules)
run
py-hook-status
py-hook-bt
delete
continue
EOF
    refute_traceback
    assert_line --partial "Interpreter: shut down or shutting down, FINALIZING"
    [[ "$stderr" == *"the Python interpreter is shutting down (finalizing)"* ]] || fail "not reported as finalizing"
    [[ "$stderr" != *"not initialized yet"* ]] || fail "reported as not initialized"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}
