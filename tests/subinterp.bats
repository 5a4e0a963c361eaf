#!/usr/bin/env bats
# Subinterpreters: what py-hook keeps in the target (scratch names, sessions,
# the stand-ins for exit and quit, the pruner in gc.callbacks and atexit)
# belongs to one interpreter.  On 3.12 and later a subinterpreter has its own
# allocator: an object of one freed by the other is heap corruption.

load helper

needs_own_allocator() {
    if "$PY" -c 'import sys; sys.exit(sys.version_info >= (3, 12))'; then
        skip "subinterpreters share the main interpreter's GIL and allocator before 3.12"
    fi
}

@test "scratch names, exit() and collections in a subinterpreter and in the main interpreter: each keeps to its own, the program prints the edits and ends normally" {
    needs_own_allocator
    gdb_session "$(sample subinterp.py)" <<'EOF'
break getppid
run
py-hook-exec tm = 5; t = tm + 1
py-hook-exec exit(3)
continue
py-hook-bt
py-hook-exec sm = 7; s = sm + 1
py-hook-eval sm * 2
py-hook-exec quit()
py-hook-exec import gc; gc.collect()
py-hook-eval 1
continue
py-hook-exec import gc; gc.collect()
py-hook-exec u = 3
continue
EOF
    refute_traceback
    assert_line --regexp '^#0  <(string|script)>:[0-9]+ in inner$'
    assert_line "14  (int)"
    [ "$(grep -c 'SystemExit' <<<"$stderr")" -eq 2 ] || fail "exit() and quit() were not each an error of their statement"
    assert_line --partial "exited normally"
    assert_equal "$(program_output)" "$(printf 'main t 6\nsub s 8\nmain u 3\ndone')"
    assert_equal "$(program_errors)" ""
}

@test "a frame's scratch names in a subinterpreter go when it returns and the subinterpreter is destroyed; the main interpreter's stay usable" {
    needs_own_allocator
    gdb_session "$(sample subinterp.py)" <<'EOF'
break getppid
run
py-hook-exec keep = [1, 2]
continue
py-hook-exec held = {"a": [1]}; s = len(held)
continue
py-hook-exec import gc; gc.collect(); u = 9
continue
EOF
    refute_traceback
    assert_line --partial "exited normally"
    assert_equal "$(program_output)" "$(printf 'main t 0\nsub s 1\nmain u 9\ndone')"
    assert_equal "$(program_errors)" ""
}
