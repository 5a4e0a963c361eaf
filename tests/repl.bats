#!/usr/bin/env bats
# py-hook-repl, driven as a user drives it: gdb runs in a tmux pane, keys
# are sent with send-keys and the screen read with capture-pane.  Each test
# checks what the program prints after continue.

load helper

setup_file() {
    command -v tmux >/dev/null || skip "tmux is not installed (tests/deps.sh installs it)"
}

teardown() {
    [ -z "${SOCK:-}" ] || tmux -L "$SOCK" kill-server 2>/dev/null || true
}

# repl_gdb SAMPLE: gdb on SAMPLE in a tmux pane, stopped at its getppid.
# No timeout around gdb: the Ctrl-C a test types would reach timeout too,
# which forwards it and arms its -k kill; every wait below is bounded, and
# teardown's kill-server ends gdb and the program.
repl_gdb() {
    SOCK="pyhook-repl-$$-$BATS_TEST_NUMBER"
    local cmd
    cmd=$(printf ' %q' env -u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP \
        -u PYTHONSAFEPATH gdb -nx -q "${GDB_INIT[@]}" "${PREAMBLE[@]}" \
        -ex "set environment LD_PRELOAD=$HELPER" -ex "set environment PYHOOK_TEST_DIR=$BATS_TEST_TMPDIR" \
        -ex "set args $(printf '%q' "$1") > $(printf '%q' "$PROG_OUT") 2> $(printf '%q' "$PROG_ERR")" \
        -ex "source $ROOT/gdb/py_hook.py" -ex "break getppid" -ex run "$PY")
    tmux -L "$SOCK" new-session -d -x 200 -y 80 "$cmd; echo gdb-exited-\$?; sleep 600"
    wait_for "(gdb)"
}

# keys KEY...: sends them, as tmux send-keys names them.
keys() {
    tmux -L "$SOCK" send-keys "$@"
}

screen() {
    tmux -L "$SOCK" capture-pane -p -S -500
}

# wait_for TEXT [N]: until the screen shows TEXT on N lines (1), 30 s at
# most.  (capture-pane drops blanks at the end of a line: a prompt is
# '>>>' or '(gdb)' there.)
wait_for() {
    local n=${2:-1} i
    for i in $(seq 1 300); do
        [ "$(screen | grep -cF -- "$1")" -ge "$n" ] && return 0
        sleep 0.1
    done
    screen
    fail "the screen never showed '$1' $n times"
}

# line TEXT: types TEXT and Enter, then waits for the next prompt.
line() {
    local before
    before=$(screen | grep -cE '^(>>>|\.\.\.|\(gdb\))( |$)' || true)
    keys -l "$1"
    keys Enter
    wait_for_count "$((before + 1))"
}

wait_for_count() {
    local i
    for i in $(seq 1 300); do
        [ "$(screen | grep -cE '^(>>>|\.\.\.|\(gdb\))( |$)')" -ge "$1" ] && return 0
        sleep 0.1
    done
    screen
    fail "no new prompt"
}

# finish: deletes the breakpoint, lets the program run to its end, quits gdb.
finish() {
    keys -l "delete"; keys Enter
    keys -l "continue"; keys Enter
    wait_for "exited normally"
    keys -l "quit"; keys Enter
    wait_for "gdb-exited-0"
}

@test "the REPL shows the banner, evaluates, runs multi-line statements, writes rebound variables back at its end; the program prints them" {
    repl_gdb "$(sample scratch.py)"
    keys -l "py-hook-repl"; keys Enter
    wait_for ">>>"
    line "a"
    line "a, b = b, a"
    line "tmp = a * 10"
    line "for i in range(2):"
    line "    items.append(i)"
    line ""
    line "cfg.timeout = tmp"
    line "items"
    keys C-d
    wait_for "py-hook-repl: written back to the frame:"
    run screen
    assert_line "Hooked at $(sample scratch.py):28 in work() - exit with Ctrl-D"
    assert_line ">>> a"
    assert_line "1"
    assert_line "..."
    assert_line "[3, 1, 2, 0, 1]"
    assert_line "    a = 2  (int)"
    assert_line "    b = 1  (int)"
    finish >/dev/null
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 2 b 1 total 0 items [3, 1, 2, 0, 1] timeout 20 counter 0" \
        "call 2: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0" \
        "globals: counter 0 has_tmp False" "stdin closed False")"
}

@test "Tab completes names, attributes and scratch names; Up recalls history; gdb's own completion and history work after" {
    repl_gdb "$(sample scratch.py)"
    keys -l "py-hook-repl"; keys Enter
    wait_for ">>>"
    line "tmp = 7"
    keys -l "cf"; keys Tab; keys -l ".ti"; keys Tab; keys -l " = tm"; keys Tab; keys Enter
    wait_for ">>>" 3
    keys -l "it"; keys Tab; keys -l ".append(3)"; keys Enter
    wait_for ">>>" 4
    keys Up; keys Enter
    wait_for ">>>" 5
    keys C-d
    wait_for "(gdb)" 2
    keys -l "py-hook-loc"; keys Tab; keys Enter
    wait_for "total = 0  (int, cell)"
    run screen
    assert_line ">>> cfg.timeout = tmp"
    assert_equal "$(screen | grep -c '^>>> items.append(3)$')" 2
    assert_line --regexp '^\(gdb\) py-hook-locals ?$'
    assert_line "items = [3, 1, 2, 3, 3]  (list, len 5)"
    finish >/dev/null
    assert_equal "$(program_output | head -1)" "call 1: a 1 b 2 total 0 items [3, 1, 2, 3, 3] timeout 7 counter 0"
}

@test "exit(), quit(), raise SystemExit and Ctrl-D end the REPL, never the program; an error is shown as a traceback and the prompt comes back" {
    repl_gdb "$(sample scratch.py)"
    keys -l "py-hook-repl"; keys Enter
    wait_for ">>>"
    line "1/0"
    line "exit()"
    keys -l "py-hook-repl"; keys Enter
    wait_for ">>>" 3
    line "quit(3)"
    keys -l "py-hook-repl"; keys Enter
    wait_for ">>>" 4
    line "raise SystemExit"
    keys -l "py-hook-repl"; keys Enter
    wait_for ">>>" 5
    keys C-d
    wait_for "no variable of the frame was changed" 4
    run screen
    assert_line "Traceback (most recent call last):"
    assert_line "ZeroDivisionError: division by zero"
    assert_line "SystemExit"
    finish >/dev/null
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0" \
        "call 2: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0" \
        "globals: counter 0 has_tmp False" "stdin closed False")"
}

@test "Ctrl-C drops the line being typed and interrupts a running statement safely; the REPL and the program go on" {
    repl_gdb "$(sample scratch.py)"
    keys -l "py-hook-repl"; keys Enter
    wait_for ">>>"
    keys -l "a = 99"; keys C-c
    wait_for "KeyboardInterrupt"
    keys -l "b = 5; import time; time.sleep(60)"; keys Enter
    sleep 1
    keys C-c
    wait_for "raised KeyboardInterrupt inside it"
    wait_for ">>>" 2
    line "a, b"
    keys C-d
    wait_for "py-hook-repl: no variable of the frame was changed"
    run screen
    assert_line "(1, 2)"
    finish >/dev/null
    assert_equal "$(program_output | head -1)" "call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0"
}

@test "--readonly keeps every change to the session and drops it at the end: the frame and its globals are as they were" {
    repl_gdb "$(sample scratch.py)"
    keys -l "py-hook-repl --readonly"; keys Enter
    wait_for ">>>"
    line "a = 50"
    line "a + 1"
    line "global counter; counter = 9"
    line "counter"
    keys C-d
    wait_for "read-only session ended; nothing was written back"
    run screen
    assert_line "51"
    assert_line "9"
    finish >/dev/null
    assert_equal "$(program_output)" "$(printf '%s\n' \
        "call 1: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0" \
        "call 2: a 1 b 2 total 0 items [3, 1, 2] timeout 30 counter 0" \
        "globals: counter 0 has_tmp False" "stdin closed False")"
}
