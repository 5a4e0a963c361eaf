#!/usr/bin/env bats
# asyncio tasks (issue 12): py-hook-tasks lists every task of the loop, its
# await chain and what it waits for, read from memory (C and pure-Python
# tasks, 3.12's eager tasks, core files); --task reaches a level's frame
# with py-hook-locals and py-hook-set, and the task runs on with the edit.

load helper

UNEDITED="eventer saw the event
consumer got job 7
locker got the lock
looper timed out
tasks done"

# tasks_session [gdb commands...]: samples/tasks.py stopped at its
# os.getppid() (main is the running task), the commands, then continue.
# BEFORE_RUN: a gdb command for before 'run' (the program's environment).
# An unedited looper is waited for 0.5 s, not 3 s (TASKS_WAIT).
BEFORE_RUN="echo"
tasks_session() {
    gdb_session "$(sample tasks.py)" < <(printf '%s\n' "set environment TASKS_WAIT=0.5" "$BEFORE_RUN" \
        "break getppid" run "$@" continue)
}

# The lines every listing of samples/tasks.py at its stop has.
check_listing() {
    local tasks=$ROOT/samples/tasks.py
    assert_line "py-hook: asyncio tasks read from memory; no code of the program runs"
    assert_line --regexp '^Event loop _UnixSelectorEventLoop at 0x[0-9a-f]+, run by Thread 1 \(LWP [0-9]+\): 10 tasks$'
    assert_line --regexp '^Task "Task-1" at 0x[0-9a-f]+ \(pending\) runs now in Thread 1 \(LWP [0-9]+\)$'
    assert_line "    #0  $tasks:107 in main"
    assert_line --regexp '^Task "sleeper" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.sleep\(30\), (2[0-9]|30)\.[0-9] s left$'
    assert_line "    #0  $tasks:40 in sleeper"
    assert_line --regexp '^    #1  .*/asyncio/tasks\.py:[0-9]+ in sleep$'
    assert_line --regexp '^Task "holder" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.sleep\(30\), (2[0-9]|30)\.[0-9] s left$'
    assert_line "    #0  $tasks:50 in holder"
    assert_line --regexp '^Task "consumer" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.Queue\.get\(\) on Queue `jobs` \(a global\) \(0 items, 1 getter waiting\)$'
    assert_line "    #0  $tasks:44 in consumer"
    assert_line --regexp '^    #1  .*/asyncio/queues\.py:[0-9]+ in Queue\.get$'
    assert_line --regexp '^Task "locker" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.Lock\.acquire\(\) on Lock `lock` \(a global\) \(locked, 1 waiting\)$'
    assert_line "    #0  $tasks:54 in locker"
    assert_line --regexp '^    #1  .*/asyncio/locks\.py:[0-9]+ in _ContextManagerMixin\.__aenter__$'
    assert_line --regexp '^    #2  .*/asyncio/locks\.py:[0-9]+ in Lock\.acquire$'
    assert_line --regexp '^Task "eventer" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.Event\.wait\(\) on Event `ready` \(a global\) \(not set, 1 waiting\)$'
    assert_line "    #0  $tasks:59 in eventer"
    # looper's 0.01 s sleep may have ended just before the stop, its
    # wake-up not yet run.
    assert_line --regexp '^Task "looper" at 0x[0-9a-f]+ \(pending\) (waits in asyncio\.sleep\(0\.01\), 0\.0 s left|is ready to run: what it waited for is done, so the loop resumes it at its next step)$'
    assert_line "    #0  $tasks:72 in looper"
    assert_line "    #1  $tasks:64 in tick"
    assert_line --regexp '^Task "ping" at 0x[0-9a-f]+ \(pending\) waits for task "pong"$'
    assert_line "    #0  $tasks:77 in ping"
    assert_line --regexp '^Task "pong" at 0x[0-9a-f]+ \(pending\) waits for task "ping"$'
    assert_line "    #0  $tasks:81 in pong"
    assert_line --regexp '^Task "gather" at 0x[0-9a-f]+ \(pending\) waits for gather\("sleeper", "consumer"\): 2 of 2 pending$'
    assert_line --regexp '^Deadlock: task "(ping|pong)" waits for task "(pong|ping)", which waits for task "(ping|pong)"\. None of these 2 tasks can finish until one of them is cancelled\.$'
}

@test "py-hook-tasks: every task of the loop with its state, await chain and what it waits for (sleep, queue, lock held by a sleeping task, event, task, gather), and the two tasks that await each other" {
    tasks_session py-hook-tasks
    assert_success
    refute_traceback
    check_listing
    [ "$(grep -c '^Task ' <<<"$output")" -eq 10 ] || fail "not 10 tasks listed"
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "py-hook-tasks with pure-Python tasks (asyncio.tasks._PyTask): the same listing, their Future.__await__ levels included" {
    BEFORE_RUN="set environment TASKS_PY=1"
    tasks_session py-hook-tasks
    assert_success
    refute_traceback
    check_listing
    assert_line --regexp '^    #1  .*/asyncio/futures\.py:[0-9]+ in Future\.__await__$'
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "py-hook-tasks --locals adds each level's variables; py-hook-locals --task NAME [LEVEL] lists one level" {
    tasks_session "py-hook-tasks --locals" "py-hook-locals --task looper" \
        "py-hook-locals --task looper 1" "py-hook-locals --task sleeper 1"
    assert_success
    refute_traceback
    check_listing
    assert_line "        done = False  (bool)"
    assert_line "        step = 1  (int, arg)"
    assert_line "        delay = 30  (int, arg)"
    assert_line "        job = <unbound>  (local)"
    assert_line --regexp '^#0  .*/tasks\.py:72 in looper  \(level 0 of task "looper"\)$'
    assert_line "done = False  (bool)"
    assert_line --regexp '^rounds = [0-9]+  \(int\)$'
    assert_line --regexp '^#1  .*/tasks\.py:64 in tick  \(level 1 of task "looper"\)$'
    assert_line "step = 1  (int, arg)"
    assert_line --regexp '^#1  .*/asyncio/tasks\.py:[0-9]+ in sleep  \(level 1 of task "sleeper"\)$'
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "py-hook-set --task ends a task that loops until a flag is true, and --level edits a deeper coroutine; the task resumes with the new values" {
    tasks_session "py-hook-set --task looper --level 1 step 1000" "py-hook-set --task looper done True" \
        "py-hook-locals --task looper"
    assert_success
    refute_traceback
    assert_line "step = 1000  (int, arg)"
    assert_line "done = True  (bool)"
    run program_output
    assert_line --regexp '^looper done after 10[0-9][0-9] rounds$'
    refute_line "looper timed out"
    assert_line "tasks done"
}

@test "--task: an unknown task, a level out of range, --level without --task, an attribute NAME, --task with --frame and an unknown variable are refused clearly; nothing changes" {
    tasks_session "py-hook-locals --task nosuch" "py-hook-locals --task sleeper 5" \
        "py-hook-set --level 1 done True" "py-hook-set --task looper self.x 1" \
        "py-hook-set --task looper --frame 0 done True" "py-hook-set --task looper nope 1" \
        "py-hook-locals --task" "py-hook-tasks --bogus" "py-hook-locals --task looper --of x"
    refute_traceback
    [[ "$stderr" == *"there is no asyncio task named 'nosuch' (there are: Task-1, consumer, eventer, gather, holder, locker, looper, ping, pong, sleeper); see py-hook-tasks"* ]] ||
        fail "unknown task not refused"
    [[ "$stderr" == *'task "sleeper" has no level 5: its await chain has 2 (0 to 1); see py-hook-tasks'* ]] ||
        fail "level out of range not refused"
    [[ "$stderr" == *"--level goes with --task"* ]] || fail "--level alone not refused"
    [[ "$stderr" == *"--of and --task take a variable name as NAME"* ]] || fail "attribute not refused"
    [[ "$stderr" == *"--frame, --of and --task exclude each other"* ]] || fail "--frame with --task not refused"
    [[ "$stderr" == *"'nope' is not a variable of this frame"* ]] || fail "unknown NAME not refused"
    [[ "$stderr" == *"--task needs the name of an asyncio task"* ]] || fail "missing NAME not refused"
    [[ "$stderr" == *"it takes no argument but --locals, got '--bogus'"* ]] || fail "bad option not refused"
    [[ "$stderr" == *"--of and --task exclude each other"* ]] || fail "--of with --task not refused"
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "without the helper: py-hook-tasks and py-hook-locals --task read memory and say so; py-hook-set --task refuses and names the fix" {
    BEFORE_RUN="unset environment LD_PRELOAD"
    tasks_session py-hook-tasks "py-hook-locals --task looper" \
        "py-hook-set --task looper done True"
    refute_traceback
    check_listing
    assert_line --regexp '^py-hook: read from memory: .*libhookhelper\.so.*$'
    assert_line "done = False  (bool)"
    [[ "$stderr" == *"py-hook-inject"* ]] || fail "set without the helper did not name the fix"
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "an eager task (eager_start, 3.12+) stopped in its first step is listed as such, running" {
    if "$PY" -c 'import sys; sys.exit(sys.version_info >= (3, 12))'; then
        skip "eager tasks came with CPython 3.12 (eager_start); this interpreter is older"
    fi
    gdb_session "$(sample tasks.py)" <<'EOF_'
set environment TASKS_EAGER=1
break getppid
run
py-hook-tasks
py-hook-locals --task probe
continue
continue
EOF_
    assert_success
    refute_traceback
    assert_line --regexp '^Task "probe" at 0x[0-9a-f]+ \(pending, eager\) runs now in Thread 1 \(LWP [0-9]+\)$'
    assert_line "    #0  $ROOT/samples/tasks.py:85 in probe"
    # main, which started probe eagerly, lists its own frame only.
    [ "$(grep -c '^    #[0-9]*  .*tasks\.py:85 in probe$' <<<"$output")" -eq 1 ] ||
        fail "probe's frame listed under another task too"
    assert_line --regexp '^#0  .*/tasks\.py:85 in probe  \(level 0 of task "probe"\)$'
    assert_equal "$(program_output)" "probe probed
$UNEDITED"
}

@test "a core file: py-hook-tasks lists the same tasks (a sleep's due time instead of the time left) and the deadlock; py-hook-locals --task reads a level; py-hook-bt --all names the task cycle" {
    tasks_session "gcore $BATS_TEST_TMPDIR/core" kill
    [ -s "$BATS_TEST_TMPDIR/core" ] || fail "gcore made no core file"
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex py-hook-tasks -ex "py-hook-locals --task looper" \
        -ex "py-hook-bt --all" "$PY" "$BATS_TEST_TMPDIR/core"
    refute_traceback
    assert_line --regexp '^Task "sleeper" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.sleep\(30\), due at loop time [0-9]+\.[0-9]$'
    assert_line --regexp '^Task "locker" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.Lock\.acquire\(\) on Lock `lock` \(a global\) \(locked, 1 waiting\)$'
    assert_line --regexp '^Task "gather" at 0x[0-9a-f]+ \(pending\) waits for gather\("sleeper", "consumer"\): 2 of 2 pending$'
    assert_line "py-hook: read from memory: this is a core file"
    assert_line "done = False  (bool)"
    [ "$(grep -c '^Deadlock: task "p[io]ng" waits for task "p[io]ng", which waits for task "p[io]ng"\.' <<<"$output")" -eq 2 ] ||
        fail "the task cycle was not named by both py-hook-tasks and py-hook-bt --all"
}

@test "a program without asyncio: py-hook-tasks says it has no tasks" {
    gdb_session "$(sample target.py)" <<'EOF_'
break getppid
run
py-hook-tasks
delete
continue
EOF_
    assert_success
    refute_traceback
    assert_line "asyncio is not imported in this process: it has no tasks"
}

@test "hard tasks: Condition and Semaphore waits; a name with control characters is escaped everywhere; cycles through asyncio.wait, wait_for, shield, a TaskGroup and a nested gather are named; a property-backed lock state is unknown; a failed task shows its exception; a task of a shared name is set by its address" {
    gdb_session "$(sample tasktricks.py)" <<'EOF'
break getppid
run
py-hook-tasks
py-hook-set --task worker v 5
python import re; out = gdb.execute("py-hook-tasks", to_string=True); addr = re.findall(r'Task "worker" at (0x[0-9a-f]+)', out)[1]; gdb.execute("py-hook-set --task %s v 99" % addr)
py-hook-set --task worker --level -1 v 5
delete
continue
EOF
    refute_traceback
    # No raw control character reaches the terminal.
    if grep -q $'\x1b' <<<"$output"; then fail "an escape character was printed raw"; fi
    assert_line --regexp '^Task "evil\\n\\x1b\[31mname" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.sleep\(30\)'
    assert_line --regexp '^Task "waitfor" at 0x[0-9a-f]+ \(pending\) waits for task "evil\\n\\x1b\[31mname"$'
    assert_line --regexp '^Task "a" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.wait\(\) for task "b"$'
    assert_line --regexp '^Task "c" at 0x[0-9a-f]+ \(pending\) waits (in asyncio\.wait_for\(\) )?for task "d" \(timeout (100 s|in [0-9.]+ s)\)$'
    assert_line --regexp '^Task "e" at 0x[0-9a-f]+ \(pending\) waits for a Future \(pending\) at 0x[0-9a-f]+, from `await asyncio\.shield\(T\["f"\]\)`: task "f", shielded$'
    assert_line --regexp '^Task "parent" at 0x[0-9a-f]+ \(pending\) waits in a TaskGroup.s end for task "child"$'
    assert_line --regexp '^Task "nest" at 0x[0-9a-f]+ \(pending\) waits for gather\("leaf", "Task-[0-9]+"\): 2 of 2 pending$'
    assert_line --regexp "^Task \"plock\" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.Lock\.acquire\(\) on PLock \`lock\` \(state unknown, 1 waiting\)$"
    if "$PY" -c 'import sys; sys.exit(sys.version_info >= (3, 14))'; then
        assert_line --regexp '^Task "failed" at 0x[0-9a-f]+ \(finished\): raised ValueError: boom$'
    else
        # 3.14+ unlinks a C task from its thread's list of tasks once it is
        # done (and keeps it in no set): nothing registers "failed" any more.
        refute_line --partial 'Task "failed"'
    fi
    # A done pure-Python task stays in asyncio's WeakSet, on every version.
    assert_line --regexp '^Task "pyfailed" at 0x[0-9a-f]+ \(finished\): raised ValueError: boom$'
    assert_line --regexp '^Task "notified" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.Condition\.wait\(\) on Condition `ready` \(its lock unlocked, 1 waiting\)$'
    assert_line --regexp '^Task "sem" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.Semaphore\.acquire\(\) on Semaphore `gate` \(value 0, 1 waiting\)$'
    for pair in 'a b' 'c d' 'e f' 'parent child' 'nest leaf' 'timed timed2' 'wt wt2'; do
        set -- $pair
        grep -Eq "^Deadlock: task \"($1|$2)\" waits for task \"($1|$2)\", which waits for task \"($1|$2)\"\." <<<"$output" ||
            fail "the cycle of $1 and $2 was not named"
    done
    [ "$(grep -c "^Deadlock: " <<<"$output")" -eq 7 ] || fail "not 7 cycles, each once"
    # Cycles with a timeout say so; FIRST_COMPLETED and a source that only
    # names a task are no cycle; a task whose future is done is ready.
    assert_line --regexp '^Deadlock: task "timed2?" waits for task "timed2?", which waits for task "timed2?"\. It lasts until the timeout in [0-9.]+ s of task "timed" runs out\.$'
    assert_line --regexp '^Deadlock: task "wt2?" waits for task "wt2?", which waits for task "wt2?"\. It lasts until the timeout 60 s of task "wt" runs out\.$'
    assert_line --regexp '^Task "fc" at 0x[0-9a-f]+ \(pending\) waits in asyncio\.wait\(\) for the first of tasks '
    assert_line --regexp '^Task "hint" at 0x[0-9a-f]+ \(pending\) waits for a Future \(pending\) at 0x[0-9a-f]+, from `await later\(T\["hint2"\]\)`, which names task "hint2"$'
    assert_line --regexp '^Task "woken" at 0x[0-9a-f]+ \(pending, cancelling\) is ready to run: what it waited for is done \(cancelled\), so the loop resumes it at its next step$'
    if grep -Eq '^Deadlock: .*"(fc|fc2|hint|hint2)"' <<<"$output"; then fail "a false deadlock"; fi
    [[ "$stderr" == *"2 tasks are named 'worker': give the address py-hook-tasks shows for one (--task 0x...)"* ]] ||
        fail "a shared name was not refused"
    [[ "$stderr" == *"levels start at 0 (the task's coroutine), got -1"* ]] || fail "level -1"
    assert_line "v = 99  (int, arg)"
    run program_output
    assert_line --regexp '^worker (1 99|99 2)$'
}

@test "py-hook-locals --task lists the same variables through the helper and from memory" {
    tasks_session "py-hook-locals --task looper" "py-hook-locals --task looper --memory" \
        "py-hook-locals --task sleeper 1" "py-hook-locals --task sleeper 1 --memory"
    assert_success
    refute_traceback
    # Every variable line twice, once by each path: the process is stopped.
    local listed
    listed=$(grep -E '^[a-z_]+ = ' <<<"$output")
    [ "$(wc -l <<<"$listed")" -eq 14 ] || fail "not 7 variables listed twice"
    [ -z "$(sort <<<"$listed" | uniq -c | awk '$1 != 2')" ] || fail "the two paths differ"
    assert_line "done = False  (bool)"
    assert_line "delay = 30  (int, arg)"
    assert_equal "$(program_output)" "$UNEDITED"
}

@test "py-hook-set --task under pressure: an EXPR that sleeps past call-timeout and one that raises are refused cleanly, one that forks stores its value in the parent while the child exits; then an edit works and the task resumes with it" {
    tasks_session "set py-hook call-timeout 1" \
        "py-hook-set --task looper done __import__('time').sleep(5)" \
        "py-hook-set --task looper done 1 / 0" \
        "py-hook-set --task looper done __import__('os').fork() < 0" \
        "py-hook-locals --task looper" "py-hook-set --task looper done True"
    refute_traceback
    [[ "$stderr" == *"call-timeout"* ]] || fail "the sleeping EXPR was not ended by call-timeout"
    [[ "$stderr" == *"ZeroDivisionError"* ]] || fail "the raising EXPR was not reported"
    [[ "$(program_errors)" == *"py-hook: this process was forked by an expression evaluated from gdb; it exits at once (status 86)"* ]] ||
        fail "the forked child did not say why it exits"
    # The parent stored fork() < 0, False: done is still False before the edit.
    [ "$(grep -cx "done = False  (bool)" <<<"$output")" -eq 2 ] || fail "done changed before the edit"
    assert_line "done = True  (bool)"
    run program_output
    assert_line --regexp '^looper done after [0-9]+ rounds$'
    assert_line "tasks done"
}

@test "the program killed from outside while py-hook-set --task runs a sleeping EXPR: one py-hook line, no traceback" {
    signal_program_in_call KILL 0.5 tasks.py
    tasks_session "py-hook-set --task looper done ($IN_CALL, __import__('time').sleep(60))" "py-hook-tasks"
    refute_traceback
    [[ "$stderr" == *"the program was killed (by a signal) during the call into libhookhelper.so"* ]] ||
        fail "no report of the kill"
    [[ "$stderr" == *"there is no process"* ]] || fail "a process was still there"
    assert_equal "$(program_output)" ""
}
