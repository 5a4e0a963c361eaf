#!/usr/bin/env bats
# bin/py-hook: help, version, usage errors, the gdb command line it builds,
# and run / attach driving a real program.

load ../helper

LAUNCHER="$ROOT/bin/py-hook"
RUN_USAGE='py-hook run [--break SYMBOL]... [--ex CMD]... -- PYTHON [OPTIONS] (SCRIPT | -m MODULE | -c CODE) [ARGS]'
ATTACH_USAGE='py-hook attach PID [--ex CMD]...'

teardown() {
    # Never leave the waiter behind if the edit did not end its loop.
    [ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
}

# py_hook [ARGS...]: runs the launcher under timeout with the Python
# environment cleaned like gdb_raw, gdb given PYHOOK_GDB_ARGS (default
# "-nx -batch": no ~/.gdbinit, exit at the end).  Sets $output, $stderr and
# $status, and prints the command and its output for a failing test.
py_hook() {
    local -a argv=(timeout -k 5 "$GDB_TIMEOUT" env -u PYTHONPATH -u PYTHONHOME
        -u PYTHONSTARTUP -u PYTHONSAFEPATH "PYHOOK_GDB_ARGS=${PYHOOK_GDB_ARGS--nx -batch}"
        "$LAUNCHER" "$@")
    run --separate-stderr "${argv[@]}"
    printf '# command:'
    printf ' %q' "${argv[@]}"
    printf '\n# status: %s\n# stdout:\n%s\n# stderr:\n%s\n' "$status" "$output" "$stderr"
    [ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "py-hook timed out after ${GDB_TIMEOUT}s"
}

# A gdb stand-in that writes its arguments, one a line, to $BATS_TEST_TMPDIR/gdb.args.
stub_gdb() {
    local stub="$BATS_TEST_TMPDIR/stub-gdb"
    printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/gdb.args"\necho "stub gdb ran"\n' \
        "$BATS_TEST_TMPDIR" >"$stub"
    chmod +x "$stub"
    echo "$stub"
}

# bad_use WORDS ARGS...: py-hook ARGS exits 2 without starting gdb, with one
# line on stderr that says what is wrong (contains WORDS) and what to type.
bad_use() {
    local words=$1
    shift
    PYHOOK_GDB=$(stub_gdb) py_hook "$@"
    [ "$status" -eq 2 ] || fail "py-hook $* exited $status, not 2"
    [ -z "$output" ] || fail "py-hook $* printed on stdout (or started gdb): $output"
    [ "$(wc -l <<<"$stderr")" -eq 1 ] || fail "py-hook $*: not one line on stderr: $stderr"
    [[ "$stderr" == "py-hook: "* ]] || fail "py-hook $*: message does not start with py-hook: $stderr"
    [[ "$stderr" == *"$words"* ]] || fail "py-hook $*: no '$words' in: $stderr"
    [[ "$stderr" == *"$RUN_USAGE"* || "$stderr" == *"$ATTACH_USAGE"* ]] ||
        fail "py-hook $*: does not say what to type: $stderr"
    [[ ! "$stderr" =~ line\ [0-9]+:|command\ not\ found|unbound\ variable|syntax\ error|shift\ count ]] ||
        fail "py-hook $*: shell error: $stderr"
    [ ! -e "$BATS_TEST_TMPDIR/gdb.args" ] || fail "py-hook $* started gdb"
}

@test "--help and -h print the usage of run and attach and the environment variables, exit 0" {
    py_hook --help
    assert_success
    assert_equal "$stderr" ""
    assert_line "Usage: $RUN_USAGE"
    assert_line "       $ATTACH_USAGE"
    assert_output --partial "--break SYMBOL"
    assert_output --partial "--ex CMD"
    assert_output --partial "PYHOOK_GDB "
    assert_output --partial "PYHOOK_GDB_ARGS"
    local help=$output
    py_hook -h
    assert_success
    assert_equal "$output" "$help"
    py_hook run --help
    assert_success
    assert_equal "$output" "$help"
}

@test "--version prints the gdb package's VERSION" {
    local version
    version=$(sed -n 's/^VERSION = "\(.*\)"$/\1/p' "$ROOT/gdb/pyhook/__init__.py")
    [ -n "$version" ] || fail "no VERSION in gdb/pyhook/__init__.py"
    py_hook --version
    assert_success
    assert_output "py-hook $version"
    assert_equal "$stderr" ""
}

@test "bad use of the command line: exit 2, one line saying what is wrong and what to type" {
    bad_use "no command given"
    bad_use "empty command" ""
    bad_use "unknown command 'frob'" frob
    bad_use "unknown option '--frob'" --frob
}

@test "bad use of run: exit 2, one line saying what is wrong and what to type" {
    local seed
    seed=$(sample seed.py)
    bad_use "unknown option '--frob'" run --frob -- "$PY" "$seed"
    bad_use "run needs -- before the program" run "$PY" "$seed"
    bad_use "run needs -- before the program" run --break getppid "$PY" "$seed"
    bad_use "run needs -- before the program" run
    bad_use "run needs PYTHON and SCRIPT" run --
    bad_use "run needs PYTHON and SCRIPT" run --break getppid --
    bad_use "run needs a SCRIPT after PYTHON" run -- "$PY"
    bad_use "--break needs a SYMBOL" run --break
    bad_use "--break needs a SYMBOL" run --break -- "$PY" "$seed"
    bad_use "--break needs a SYMBOL" run --break "" -- "$PY" "$seed"
    bad_use "--break needs a SYMBOL" run --break= -- "$PY" "$seed"
    bad_use "--ex needs a gdb COMMAND" run --ex
    bad_use "--ex needs a gdb COMMAND" run --ex -- "$PY" "$seed"
    bad_use "is not an executable program" run -- "$BATS_TEST_TMPDIR/no-python" "$seed"
    bad_use "is not an executable program" run -- no-such-python-here "$seed"
    bad_use "no such script" run -- "$PY" "$BATS_TEST_TMPDIR/no-such-script.py"
}

@test "bad use of attach: exit 2, one line saying what is wrong and what to type" {
    bad_use "attach needs the PID" attach
    bad_use "attach takes one PID, not also '$$'" attach $$ $$
    bad_use "not a process id" attach abc
    bad_use "not a process id" attach 0
    bad_use "not a process id" attach -5
    bad_use "not a process id" attach 12x
    bad_use "unknown option '--frob'" attach --frob $$
    bad_use "--ex needs a gdb COMMAND" attach $$ --ex
}

@test "attach to a process id that does not exist: exit 2" {
    local max
    max=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 4194304)
    bad_use "no process $((max + 1)) is running" attach $((max + 1))
}

@test "run builds gdb's command line: PYHOOK_GDB_ARGS, source, set environment LD_PRELOAD, breaks, run, --ex, --args" {
    PYHOOK_GDB=$(stub_gdb) PYHOOK_GDB_ARGS="-q  -iex   foo" py_hook run --break getppid \
        --ex py-hook-bt --break=write --ex 'py-hook-set a 1000' -- "$PY" "$(sample seed.py)" "one arg" ""
    assert_success
    assert_output "stub gdb ran"
    local -a want=(-q -iex foo -ex "source $ROOT/gdb/py_hook.py"
        -ex "set environment LD_PRELOAD=$HELPER" -ex "set breakpoint pending on"
        -ex "break getppid" -ex "break write" -ex run -ex py-hook-bt -ex "py-hook-set a 1000"
        --args "$PY" "$(sample seed.py)" "one arg" "")
    assert_equal "$(cat "$BATS_TEST_TMPDIR/gdb.args")" "$(printf '%s\n' "${want[@]}")"
}

@test "without PYHOOK_GDB_ARGS gdb gets no -nx (~/.gdbinit is read); attach is py-hook-attach PID" {
    PYHOOK_GDB=$(stub_gdb) PYHOOK_GDB_ARGS= py_hook attach $$ --ex py-hook-bt
    assert_success
    local -a want=(-ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-attach $$" -ex py-hook-bt)
    assert_equal "$(cat "$BATS_TEST_TMPDIR/gdb.args")" "$(printf '%s\n' "${want[@]}")"
    PYHOOK_GDB=$(stub_gdb) PYHOOK_GDB_ARGS= py_hook run -- "$PY" "$(sample seed.py)"
    assert_success
    run grep -c -e '^-nx$' -e '^-n$' -e '^-batch$' "$BATS_TEST_TMPDIR/gdb.args"
    assert_output 0
}

@test "a PYTHON that is a wrapper script (a pyenv shim) is replaced by the interpreter it runs; a non-Python script is refused" {
    local wrapper="$BATS_TEST_TMPDIR/python-shim" other="$BATS_TEST_TMPDIR/not-python"
    printf '#!/bin/sh\nexec %q "$@"\n' "$PY" >"$wrapper"
    printf '#!/bin/sh\nexit 3\n' >"$other"
    chmod +x "$wrapper" "$other"
    local real
    real=$("$PY" -c 'import sys; print(sys.executable)')
    PYHOOK_GDB=$(stub_gdb) py_hook run -- "$wrapper" "$(sample seed.py)" x
    assert_success
    assert_equal "$(tail -n 4 "$BATS_TEST_TMPDIR/gdb.args")" "$(printf '%s\n' --args "$real" "$(sample seed.py)" x)"
    rm "$BATS_TEST_TMPDIR/gdb.args"
    bad_use "is a script, not a Python interpreter" run -- "$other" "$(sample seed.py)"
}

@test "run passes interpreter options, -m MODULE and -c CODE through as typed" {
    PYHOOK_GDB=$(stub_gdb) py_hook run -- "$PY" -X dev -u -O -m json.tool --sort-keys
    assert_success
    assert_equal "$(sed -n '/^--args$/,$p' "$BATS_TEST_TMPDIR/gdb.args")" \
        "$(printf '%s\n' --args "$PY" -X dev -u -O -m json.tool --sort-keys)"
    PYHOOK_GDB=$(stub_gdb) py_hook run -- "$PY" -c 'import os; os.getppid()' a b
    assert_success
    assert_equal "$(sed -n '/^--args$/,$p' "$BATS_TEST_TMPDIR/gdb.args")" \
        "$(printf '%s\n' --args "$PY" -c 'import os; os.getppid()' a b)"
    rm "$BATS_TEST_TMPDIR/gdb.args"
    bad_use "-m needs its argument" run -- "$PY" -X dev -m
    bad_use "run needs a SCRIPT after PYTHON (or -m MODULE, -c CODE)" run -- "$PY" -u
}

@test "a console script such as pydoc3 runs under the interpreter its #! line names" {
    local script="$BATS_TEST_TMPDIR/tool" envscript="$BATS_TEST_TMPDIR/envtool"
    printf '#!%s\nimport os\nos.getppid()\n' "$PY" >"$script"
    printf '#!/usr/bin/env %s\nprint(1)\n' "$(basename "$PY")" >"$envscript"
    chmod +x "$script" "$envscript"
    PYHOOK_GDB=$(stub_gdb) py_hook run -- "$script" --flag
    assert_success
    assert_equal "$(sed -n '/^--args$/,$p' "$BATS_TEST_TMPDIR/gdb.args")" \
        "$(printf '%s\n' --args "$PY" "$script" --flag)"
    PYHOOK_GDB=$(stub_gdb) PATH="$(dirname "$PY"):$PATH" py_hook run -- "$envscript"
    assert_success
    assert_equal "$(sed -n '/^--args$/,$p' "$BATS_TEST_TMPDIR/gdb.args")" \
        "$(printf '%s\n' --args "$PY" "$envscript")"
}

@test "run adds the helper to the user's LD_PRELOAD instead of replacing it" {
    local mine=/lib/x86_64-linux-gnu/libc.so.6
    PYHOOK_GDB=$(stub_gdb) LD_PRELOAD="$mine" py_hook run -- "$PY" "$(sample seed.py)"
    assert_success
    grep -qxF "set environment LD_PRELOAD=$mine:$HELPER" "$BATS_TEST_TMPDIR/gdb.args" ||
        fail "$(cat "$BATS_TEST_TMPDIR/gdb.args")"
}

@test "run -- /usr/bin/pydoc3 (a real console script) stops in it, lists its frames, and runs to its end" {
    [ -x /usr/bin/pydoc3 ] || skip "/usr/bin/pydoc3 is not installed (Debian package python3)"
    py_hook run --break posix_getcwd --ex py-hook-bt --ex delete --ex continue -- \
        /usr/bin/pydoc3 zzzz_no_such_topic
    refute_output --partial "Python Exception"
    assert_line --regexp '^#[0-9]+ +/usr/bin/pydoc3:[0-9]+ in <module>$'
    assert_output --partial "No Python documentation found for 'zzzz_no_such_topic'"
}

@test "a gdb that is not there: exit 1 naming PYHOOK_GDB" {
    PYHOOK_GDB="$BATS_TEST_TMPDIR/no-gdb" py_hook run -- "$PY" "$(sample seed.py)"
    assert_failure 1
    [[ "$stderr" == *"PYHOOK_GDB"* ]] || fail "$stderr"
}

@test "called through a symlink, it finds the source tree it lives in" {
    ln -s "$LAUNCHER" "$BATS_TEST_TMPDIR/py-hook"
    cd "$BATS_TEST_TMPDIR"
    PYHOOK_GDB=$(stub_gdb) run --separate-stderr ./py-hook run -- "$PY" "$(sample seed.py)"
    assert_success
    grep -qxF "source $ROOT/gdb/py_hook.py" gdb.args || fail "$(cat gdb.args)"
    grep -qxF "set environment LD_PRELOAD=$HELPER" gdb.args || fail "$(cat gdb.args)"
}

@test "without its files it exits 1 and says what is missing: run make first in a source tree" {
    local tree="$BATS_TEST_TMPDIR/tree"
    mkdir -p "$tree/bin" "$tree/gdb/pyhook"
    cp "$LAUNCHER" "$tree/bin/py-hook"
    run --separate-stderr "$tree/bin/py-hook" run -- "$PY" "$(sample seed.py)"
    assert_failure 1
    [[ "$stderr" == *"py_hook.py"* && "$stderr" == *"make install"* ]] || fail "$stderr"
    cp "$ROOT/gdb/py_hook.py" "$tree/gdb/"
    cp "$ROOT/gdb/pyhook/__init__.py" "$tree/gdb/pyhook/"
    run --separate-stderr "$tree/bin/py-hook" run -- "$PY" "$(sample seed.py)"
    assert_failure 1
    assert_equal "$stderr" "py-hook: $tree/build/libhookhelper.so is missing: run make first (in $tree)"
    run --separate-stderr "$tree/bin/py-hook" --version
    assert_success
}

@test "run --break getppid --ex 'py-hook-set a 1000' --ex continue: seed.py prints the edited value" {
    py_hook run --break getppid --ex "py-hook-set a 1000" --ex continue -- "$PY" "$(sample seed.py)"
    assert_success
    refute_traceback
    assert_line "a = 1000  (int)"
    # seed.py prints a, f(a), f(GLOBAL_VAR): 1, 2, 101 without the edit.
    assert_line "1000"
    assert_line "1001"
    assert_line "101"
    refute_line "2"
}

@test "attach PID with --ex on a program started without the helper: it is injected, py-hook-set done True ends the loop" {
    # The python process itself must be $!: no timeout or env process between.
    env -u LD_PRELOAD "$PY" "$(sample waiter.py)" >"$PROG_OUT" 2>"$PROG_ERR" &
    pid=$!
    sleep 0.5
    py_hook attach "$pid" --ex "break getppid" --ex continue --ex "py-hook-set done True" \
        --ex delete --ex detach
    assert_success
    refute_traceback
    assert_line --regexp "^py-hook: loaded .*/libhookhelper.so into process $pid "
    assert_line "done = True  (bool)"
    wait_for_end
    assert_equal "$(program_output)" "waiter done"
    assert_equal "$(program_errors)" ""
}
