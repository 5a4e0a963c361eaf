#!/usr/bin/env bats
# A program that replaces itself with exec (same process id, new addresses): py-hook drops what it knew and handshakes again, or says the helper is gone.

load helper

# gdb -p and a real user's session run with address randomization on:
# after exec every library lands somewhere else.
ASLR="set disable-randomization off"

@test "after the program execs itself with the helper preloaded, py-hook handshakes again and the edit lands in the new image" {
    gdb_session "$(sample execer.py)" <<EOF
$ASLR
break getppid
run
py-hook-set stage 10
continue
py-hook-bt
py-hook-set stage 20
delete
continue
EOF
    refute_traceback
    assert_line --partial "is executing new program"
    assert_line "stage = 10  (int)"
    assert_line "stage = 20  (int)"
    assert_equal "$(program_output)" "$(printf 'stage 10 pid True\nstage 20 pid True')"
}

@test "after an exec without LD_PRELOAD, py-hook says the helper is not loaded instead of writing into the new image" {
    gdb_session "$(sample execer.py)" --drop-preload <<EOF
$ASLR
break getppid
run
py-hook-set stage 10
continue
py-hook-set stage 20
delete
continue
EOF
    refute_traceback
    assert_line "stage = 10  (int)"
    [[ "$stderr" == *"libhookhelper.so is not loaded in process"*"py-hook-inject"* ]] || fail "no not-loaded error"
    assert_equal "$(program_output)" "$(printf 'stage 10 pid True\nstage 1 pid True')"
}

@test "an EXPR that runs exec: one py-hook line saying so, settings put back, and the new program runs to its end" {
    gdb_session "$(sample execer.py)" <<EOF
$ASLR
break getppid
run
set scheduler-locking step
py-hook-set stage __import__("os").execv(__import__("sys").executable, [__import__("sys").executable, "$(sample execer.py)", "--again"])
show scheduler-locking
EOF
    refute_traceback
    [[ "$stderr" == *"py-hook: the program replaced itself with exec during the call into libhookhelper.so (hook_apply_locals) (EXPR ran exec)"* ]] ||
        fail "the exec is not named"
    [ "$(grep -c '^py-hook:' <<<"$stderr")" -eq 1 ] || fail "not one py-hook line"
    assert_line --partial 'Mode for locking scheduler during execution is "step".'
    assert_equal "$(program_output)" "stage 1 pid True"
}
