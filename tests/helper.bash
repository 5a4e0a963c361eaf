# Shared by every test file: load with `load helper` (or `load ../helper`).
#
# gdb_session PROGRAM [ARGS...] reads gdb commands, one per line, from
# standard input and runs them in `gdb -nx -batch` against the interpreter
# under test, with libhookhelper.so preloaded and py-hook sourced, under
# `timeout`.  Each line becomes its own -ex, so a command that fails does not
# stop the ones after it (a sourced file would).  Sets $output (gdb's and the
# program's stdout), $stderr and $status like `run --separate-stderr`, and
# prints the whole command and output, shown by bats when a test fails.
#
# The program's stdout and stderr go to $PROG_OUT and $PROG_ERR (the session
# sets its arguments with shell redirections), so tests assert on exactly
# what the program printed, apart from what gdb printed.

bats_require_minimum_version 1.5.0
# bats-support and bats-assert, sourced file by file: bats reads this for
# every test, and their load.bash files fork a dirname per file they
# source (0.12 s a test, 30 s a run).  They only define functions.
if [ -d /usr/lib/bats/bats-support/src ] && [ -d /usr/lib/bats/bats-assert/src ]; then
    for _lib in /usr/lib/bats/bats-support/src/*.bash /usr/lib/bats/bats-assert/src/*.bash; do
        source "$_lib"
    done
    unset _lib
else
    bats_load_library bats-support
    bats_load_library bats-assert
fi

ROOT=${PYHOOK_ROOT:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
[ -f "$ROOT/Makefile" ] || ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
PY=${PYHOOK_PYTHON:-/usr/bin/python3.11}
HELPER="$ROOT/build/libhookhelper.so"
GDB_TIMEOUT=${GDB_TIMEOUT:-120}

setup() {
    PROG_OUT="$BATS_TEST_TMPDIR/program.out"
    PROG_ERR="$BATS_TEST_TMPDIR/program.err"
    [ -x "$PY" ] || skip "interpreter $PY is not installed"
    [ -f "$HELPER" ] || fail "$HELPER is missing: run make first"
}

# Runs gdb with the given arguments; no preload, no py-hook unless asked.
# A test may set GDB_WRAPPER=(strace ...) to run gdb under another program;
# with PYHOOK_GDB_TIME=FILE each gdb's user, system and elapsed seconds and
# the test's number are appended to FILE (to see where a suite's time goes;
# host runs only: the sid root has no /usr/bin/time).
# gdb reads separate debug files from the directory tests/run.sh gives:
# PYHOOK_DEBUG_DIR (the interpreter's own, python3.X-dbg), or for a run
# without them PYHOOK_NODEBUG_DIR (none at all: the interpreter's debug
# symbols are hidden, as without python3.11-dbg).  glibc's are left out
# (loading them costs every gdb 0.2 s); a test that needs them calls
# with_libc_symbols first.  Run by hand (neither set), gdb sees them all.
GDB_WRAPPER=(${PYHOOK_GDB_TIME:+/usr/bin/time -a -o "$PYHOOK_GDB_TIME" -f "%U %S %e $BATS_SUITE_TEST_NUMBER"})
GDB_INIT=()
_debug_dir=${PYHOOK_NODEBUG_DIR:-${PYHOOK_DEBUG_DIR:-}}
[ -z "$_debug_dir" ] || GDB_INIT=(-iex "set debug-file-directory $_debug_dir")

# with_libc_symbols: the test's gdb sessions also see glibc's debug symbols
# (libc6-dbg): static functions such as _int_malloc have names, and
# glibc's structures their types.
with_libc_symbols() {
    [ -z "${PYHOOK_LIBC_DEBUG_DIR:-}" ] || GDB_INIT=(-iex "set debug-file-directory $PYHOOK_LIBC_DEBUG_DIR")
}

gdb_raw() {
    # --default-signal: a suite run in the background starts with SIGINT
    # ignored, and coreutils 9.10's timeout (Debian sid) keeps it so for
    # gdb and the program, which Ctrl-C tests need to receive it.
    local -a argv=(timeout -k 5 "$GDB_TIMEOUT" env --default-signal=INT "${GDB_UNSET[@]}"
        "${GDB_WRAPPER[@]}" gdb -nx -batch "${GDB_INIT[@]}" "$@")
    run --separate-stderr "${argv[@]}"
    gdb_report "$(printf ' %q' "${argv[@]}")"
}

# What gdb's environment leaves out (and so the program's).
GDB_UNSET=(-u PYTHONPATH -u PYTHONHOME -u PYTHONSTARTUP -u PYTHONSAFEPATH)

# gdb_report COMMAND: prints how gdb ran and what it printed (bats shows it
# when the test fails); fails on a timeout or a signal.
gdb_report() {
    printf '# command:%s\n# status: %s\n# stdout:\n%s\n# stderr:\n%s\n' "$1" "$status" "$output" "$stderr"
    [ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "gdb timed out after ${GDB_TIMEOUT}s"
    # gdb -batch exits 0 or 1; more means it died of a signal (128 + N).
    [ "$status" -le 128 ] || fail "gdb died of signal $((status - 128))"
}

# The commands every py-hook session starts with.
PREAMBLE=(-ex "set breakpoint pending on" -ex "set pagination off" -ex "set confirm off")

gdb_session() {
    local args line
    args="$(printf ' %q' "$@") > $(printf '%q' "$PROG_OUT") 2> $(printf '%q' "$PROG_ERR")"
    local -a commands=()
    while IFS= read -r line; do
        [ -n "$line" ] && commands+=("$line")
    done
    if servable "${commands[@]}"; then
        served_session "$args" "${commands[@]}"
        return
    fi
    local -a ex=("${PREAMBLE[@]}" -ex "set environment LD_PRELOAD=$HELPER"
        -ex "set environment PYHOOK_TEST_DIR=$BATS_TEST_TMPDIR"
        -ex "set args $args" -ex "source $ROOT/gdb/py_hook.py")
    for line in "${commands[@]}"; do
        ex+=(-ex "$line")
    done
    gdb_raw "${ex[@]}" "$PY"
}

# Commands a served session may run: none of them leaves anything in gdb
# that the next session would see, once its processes are killed, its
# breakpoints deleted, and py-hook's settings, the gdb settings it set and
# the program's environment put back (tests/serve.py).
# Anything else (gdb settings, handle, python, shell, the REPL reading
# standard input, another inferior or file) gets a gdb of its own.  The
# commands that tests/paths.py and tests/layout.py define run programs and
# read them, and sourcing those files again only defines them again.  Not
# `complete`: gdb 18's gdb.execute, which the served gdb runs commands
# with, strips the trailing space that `complete CMD ` completes after.
SERVABLE='^(break|tbreak|run|continue|next|step|finish|up|down|frame|bt|backtrace|info|print|p|output|printf|echo|thread|kill|interrupt|signal|queue-signal|delete|disable|enable|condition|until|advance|stepi|nexti|select-frame|ptype|whatis|list|show|gcore|generate-core-file|detach|catch|set py-hook|set var|set variable|set environment|unset environment|set disable-randomization|set scheduler-locking|py-hook-(bt|frame|up|down|locals|set|eval|exec|save|load|targets|explain|tasks|status)|paths-run|paths-compare|layout-check|layout-measure)( |$)|^source '"$ROOT"'/tests/(paths|layout)\.py$'

# servable COMMAND...: whether a served session can run these commands
# (PYHOOK_SERVE=0 gives every session a gdb of its own).
servable() {
    [ "${PYHOOK_SERVE:-1}" != 0 ] && [ ${#GDB_WRAPPER[@]} -eq 0 ] || return 1
    local command
    for command in "$@"; do
        if [[ ! "$command" =~ $SERVABLE ]]; then
            [ -z "${PYHOOK_SERVE_LOG:-}" ] || echo "${command:0:40}" >>"$PYHOOK_SERVE_LOG"
            return 1
        fi
    done
}

# prints COMMAND...: whether the commands print ($1, $2, ... in gdb's value
# history, which a served gdb cannot empty).
prints() {
    local command
    for command in "$@"; do
        [[ ! "$command" =~ ^(print|p)( |/) ]] || return 0
    done
    return 1
}

# served_dir: the directory of the gdb that serves this run's sessions on
# this interpreter with these debug files.  One gdb serves every test file
# of the run (bats runs them one after another): starting one costs up to
# 1.5 s with debug information.  It ends when bats removes the run's
# directory at the end, or after 120 s without a session.
served_dir() {
    echo "$BATS_RUN_TMPDIR/serve-$(printf '%s\n' "$PY" "${GDB_INIT[*]}" "$HELPER" | md5sum | cut -c1-16)"
}

# retire_served DIR: the gdb of DIR serves no more sessions; it exits when
# it sees its directory gone (tests/serve.py), and the next session starts
# another.
retire_served() {
    : >"$1/quit"
    mv "$1" "$1.ended.$BATS_SUITE_TEST_NUMBER.$RANDOM"
}

# served_session ARGS COMMAND...: gdb_session's run of the program with
# ARGS (shell words and redirections) and COMMANDS, by the gdb kept for
# this run, interpreter and debug files (tests/serve.py, served_dir),
# started by the first such session; sets what gdb_raw sets.  A session
# that does not end within GDB_TIMEOUT, or whose gdb dies, ends that gdb
# (the next session starts another) and fails as gdb_raw's would.
served_session() {
    local args=$1 srv n req tick note=
    shift
    srv=$(served_dir)
    # A gdb that ended (timed out, died) is replaced; so is one whose value
    # history holds a value, for a session that prints: its $1 would be $N.
    if [ -e "$srv/exit" ] || { [ -e "$srv/history-used" ] && prints "$@"; }; then
        retire_served "$srv"
    fi
    if [ ! -d "$srv" ]; then
        mkdir -p "$srv"
        echo 0 >"$srv/last"
        env -0 "${GDB_UNSET[@]}" >"$srv/env"
        (# Bats waits for every file descriptor a test leaves open.
            for fd in /proc/$BASHPID/fd/*; do
                fd=${fd##*/}
                [ "$fd" -le 2 ] || eval "exec $fd>&-"
            done
            setsid timeout -k 5 1800 env --default-signal=INT "${GDB_UNSET[@]}" gdb -nx -batch \
            "${GDB_INIT[@]}" "${PREAMBLE[@]}" -ex "source $ROOT/gdb/py_hook.py" \
            -ex "source $ROOT/tests/serve.py" -ex "python serve('$srv', '$PY', $(stat -c %i "$srv"))" "$PY" \
            </dev/null >"$srv/log" 2>&1 &
            echo $! >"$srv/pid"
            # Relative to the directory, which retire_served may move: the
            # path may by then be another gdb's.
            cd "$srv" || exit
            rc=0
            wait $! || rc=$?
            echo "$rc" >exit) </dev/null >/dev/null 2>&1 3>&- &
    fi
    n=$(($(cat "$srv/last") + 1))
    echo "$n" >"$srv/last"
    req="$srv/req.$n"
    mkdir "$req"
    printf '%s\0' "set args $args" "set environment LD_PRELOAD=$HELPER" \
        "set environment PYHOOK_TEST_DIR=$BATS_TEST_TMPDIR" >"$req/setup"
    printf '%s\0' "$@" >"$req/commands"
    env -0 "${GDB_UNSET[@]}" >"$req/env"
    printf '%s' "$PWD" >"$req/cwd"
    : >"$req/ready"
    # Waits without forking a sleep: read's timeout on a pipe nobody writes.
    mkfifo "$req/tick"
    exec {tick}<>"$req/tick"
    local deadline=$((SECONDS + GDB_TIMEOUT))
    while [ ! -e "$req/status" ] && [ ! -e "$srv/exit" ] && [ "$SECONDS" -lt "$deadline" ]; do
        read -r -t 0.01 -u "$tick" _ || :
    done
    exec {tick}>&-
    if [ -e "$req/status" ]; then
        status=$(cat "$req/status")
    elif [ -e "$srv/exit" ] && [ "$(cat "$srv/exit")" = 0 ] && [ ! -e "$req/stdout" ]; then
        # The gdb ended of idleness as this session was handed to it.
        retire_served "$srv"
        served_session "$args" "$@"
        return
    elif [ -e "$srv/exit" ]; then
        status=$(cat "$srv/exit")
        [ "$status" -gt 1 ] || status=1
        note="the gdb serving the session exited with $(cat "$srv/exit") during it"
    else
        kill -TERM -- "-$(cat "$srv/pid")" 2>/dev/null || :
        sleep 1
        kill -KILL -- "-$(cat "$srv/pid")" 2>/dev/null || :
        status=124
    fi
    output=$(cat "$req/stdout" 2>/dev/null || :)
    stderr=$(cat "$req/stderr" 2>/dev/null || :)
    [ -z "$note" ] || stderr+=$'\n'"$note"
    [ -e "$req/status" ] || retire_served "$srv"
    # As bats' run sets them (empty lines left out).
    mapfile -t lines < <(grep -v '^$' <<<"$output")
    mapfile -t stderr_lines < <(grep -v '^$' <<<"$stderr")
    gdb_report " (served by the gdb of $srv, session $n) set args$args;$(printf ' %q;' "$@")"
}

# shared_session PROGRAM [ARGS...]: gdb_session, but run once per test file
# for the same interpreter, program, arguments and commands (standard
# input): a later test of the file gets the first run's $output, $lines,
# $stderr, $status and program output (starting gdb costs more than most
# checks).  Only for sessions whose result does not depend on the test.
shared_session() {
    local commands key dir
    commands=$(cat)
    key=$(printf '%s\n' "$PY" "${GDB_INIT[*]}" "$HELPER" "$*" "$commands" | md5sum | cut -c1-16)
    dir="$BATS_FILE_TMPDIR/shared-$key"
    if [ ! -f "$dir/status" ]; then
        gdb_session "$@" <<<"$commands"
        mkdir -p "$dir"
        printf '%s' "$output" >"$dir/output"
        printf '%s' "$stderr" >"$dir/stderr"
        cp "$PROG_OUT" "$dir/program.out" 2>/dev/null || : >"$dir/program.out"
        cp "$PROG_ERR" "$dir/program.err" 2>/dev/null || : >"$dir/program.err"
        echo "$status" >"$dir/status"
        return
    fi
    output=$(cat "$dir/output")
    stderr=$(cat "$dir/stderr")
    status=$(cat "$dir/status")
    cp "$dir/program.out" "$PROG_OUT"
    cp "$dir/program.err" "$PROG_ERR"
    # As bats' run sets them (empty lines left out).
    mapfile -t lines < <(grep -v '^$' <<<"$output")
    mapfile -t stderr_lines < <(grep -v '^$' <<<"$stderr")
    printf '# shared session, run by an earlier test of this file\n# status: %s\n# stdout:\n%s\n# stderr:\n%s\n' \
        "$status" "$output" "$stderr"
}

# signal_program_after SIGNAL SECONDS SAMPLE: in the background, waits for
# this test's program (a gdb_session of SAMPLE) to start, then SECONDS
# later sends it SIGNAL, as Ctrl-C or a kill from outside would.  The
# program is told from other suites' (run in parallel, maybe on the same
# interpreter) by the test directory gdb_session puts in its environment.
signal_program_after() {
    local sig=$1 seconds=$2 pattern="^$PY $(sample "$3")" marker="PYHOOK_TEST_DIR=$BATS_TEST_TMPDIR"
    (
        pid=
        for _ in $(seq 200); do
            for candidate in $(pgrep -f "$pattern"); do
                tr '\0' '\n' <"/proc/$candidate/environ" 2>/dev/null | grep -qxF "$marker" &&
                    pid=$candidate
            done
            [ -n "$pid" ] && break
            sleep 0.1
        done
        [ -n "$pid" ] || exit 0
        sleep "$seconds"
        kill "-$sig" "$pid" 2>/dev/null
    ) 3>&- &
}

# signal_program_in_call SIGNAL SECONDS SAMPLE: like signal_program_after,
# but SECONDS after py-hook's call into the program (a gdb_session of
# SAMPLE) has started, so a test need not guess how long gdb takes to get
# there.  It sets IN_CALL to a Python statement that the test's EXPR or
# STMT runs first: it creates a file, which says the call runs.  (Watching
# the program's state for gdb's stop at the breakpoint misses a stop
# shorter than the polling.)
signal_program_in_call() {
    local sig=$1 seconds=$2 pattern="^$PY $(sample "$3")" marker="PYHOOK_TEST_DIR=$BATS_TEST_TMPDIR"
    local started="$BATS_TEST_TMPDIR/in-call"
    IN_CALL="open('$started', 'w').close()"
    rm -f "$started"
    (
        for _ in $(seq 1200); do
            [ -e "$started" ] && break
            sleep 0.05
        done
        [ -e "$started" ] || exit 0
        pid=
        for candidate in $(pgrep -f "$pattern"); do
            tr '\0' '\n' <"/proc/$candidate/environ" 2>/dev/null | grep -qxF "$marker" &&
                pid=$candidate
        done
        [ -n "$pid" ] || exit 0
        sleep "$seconds"
        kill "-$sig" "$pid" 2>/dev/null
    ) 3>&- &
}

# What the program printed, after the session.
program_output() {
    cat "$PROG_OUT"
}

program_errors() {
    cat "$PROG_ERR"
}

# Fails if gdb reported a Python exception (a py-hook bug, not a user error).
refute_traceback() {
    refute_output --partial "Traceback"
    refute_output --partial "Python Exception"
    [[ "$stderr" != *"Traceback"* && "$stderr" != *"Python Exception"* ]] ||
        fail "gdb printed a Python traceback: $stderr"
}

# code_location FUNCTION: where `break`/`tbreak` can stop in FUNCTION of the
# interpreter.  Normally its name; with the interpreter's debug symbols
# hidden (PYHOOK_NODEBUG_DIR) a static function has no name gdb knows, so
# its address, looked up by a separate gdb that has the symbols (Debian's
# python3.11 is not position-independent: the address is the run-time one).
code_location() {
    if [ -z "${PYHOOK_NODEBUG_DIR:-}" ]; then
        echo "$1"
        return
    fi
    local address
    address=$(timeout 60 gdb -nx -batch -ex "info address $1" "$PY" 2>/dev/null |
        sed -n 's/.* is a function at address \(0x[0-9a-f]*\)\.$/\1/p')
    [ -n "$address" ] || { echo "no address for $1 in $PY" >&2; return 1; }
    echo "*$address"
}

# wait_for_end [SECONDS]: waits, 30 s at most, for the background program
# $pid (started by this test's shell) to end; fails if it still runs or
# exits non-zero.  For programs that loop until an edit ends them.
wait_for_end() {
    local i rc=0
    for i in $(seq $((${1:-30} * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && fail "the program still runs ${1:-30} s after the edit and detach"
    wait "$pid" || rc=$?
    pid=
    assert_equal "$rc" 0
}

# The sample under samples/, by file name.
sample() {
    echo "$ROOT/samples/$1"
}
