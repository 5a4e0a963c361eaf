#!/usr/bin/env bats
# Commands leave the thread's pending exception, errno, and the program's stdout and stderr untouched.

load helper

unedited() {
    printf 'errno 1234\na %s\ncaught ValueError(%s) %s\ngc True' "$1" "'boom'" "$2"
}

@test "errno is kept: an EXPR that fails a stat() (errno ENOENT) still leaves the program's errno 1234" {
    gdb_session "$(sample hygiene.py)" <<EOF
break getppid
run
py-hook-locals
py-hook-set a __import__('os').path.exists('/nonexistent/py-hook') + 1000
py-hook-bt --full
continue
EOF
    refute_traceback
    assert_line "a = 1000  (int)"
    assert_equal "$(program_output)" "$(unedited 1000 original)"
    assert_equal "$(program_errors)" ""
}

@test "stopped while ValueError propagates, py-hook-set leaves it in flight and the except block sees it" {
    gdb_session "$(sample hygiene.py)" <<EOF
break getpgrp
run
tbreak PyTraceBack_Here
continue
py-hook-bt
py-hook-locals
py-hook-set secret secret * 6
py-hook-set --frame 1 tag 'edited'
py-hook-set secret [1/0 for _ in 'x']
continue
EOF
    refute_traceback
    assert_line --regexp '^#0  .*/hygiene.py:[0-9]+ in fail$'
    assert_line "secret = 42  (int)"
    assert_line "tag = 'edited'  (str, len 6)"
    # An EXPR that raises while another exception is in flight: its error
    # is reported, the program's exception stays.
    [[ "$stderr" == *"ZeroDivisionError: division by zero"* ]] || fail "no EXPR error"
    assert_equal "$(program_output)" "$(unedited 1 edited)"
    assert_equal "$(program_errors)" ""
}

@test "an EXPR raising SystemExit or KeyboardInterrupt is an error of the command; the program goes on" {
    gdb_session "$(sample hygiene.py)" <<EOF
break getppid
run
py-hook-set a exit(3)
py-hook-set a __import__('sys').exit('bye')
py-hook-set a (_ for _ in ()).throw(KeyboardInterrupt)
py-hook-set a __import__('os').getpid() and 7
continue
EOF
    refute_traceback
    [[ "$stderr" == *"SystemExit: 3"* ]] || fail "no SystemExit error"
    [[ "$stderr" == *"SystemExit: bye"* ]] || fail "no SystemExit('bye') error"
    [[ "$stderr" == *"KeyboardInterrupt"* ]] || fail "no KeyboardInterrupt error"
    assert_line "a = 7  (int)"
    assert_equal "$(program_output)" "$(unedited 7 original)"
    assert_equal "$(program_errors)" ""
}

@test "the program's stdout and stderr get nothing from py-hook: byte for byte what an unhooked run prints" {
    "$PY" "$(sample hygiene.py)" >"$BATS_TEST_TMPDIR/plain.out" 2>"$BATS_TEST_TMPDIR/plain.err"
    gdb_session "$(sample hygiene.py)" <<EOF
break getppid
run
py-hook-bt --full
py-hook-locals
py-hook-set a a
py-hook-set nosuchname 1
py-hook-set a 1/0
py-hook-set a )
continue
EOF
    refute_traceback
    cmp "$BATS_TEST_TMPDIR/plain.out" "$PROG_OUT" || fail "stdout differs"
    cmp "$BATS_TEST_TMPDIR/plain.err" "$PROG_ERR" || fail "stderr differs"
}
