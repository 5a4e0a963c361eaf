#!/usr/bin/env bats
# py-hook-attach explains a ptrace refusal and how to allow the attach.

load ../helper

teardown() {
    [ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
    [ -z "${nobody_dir:-}" ] || rm -rf "$nobody_dir"
}

# gdb as user nobody attaching to a process of root: the kernel refuses
# (EPERM), whatever Yama says.  $1: an optional fake ptrace_scope value.
attach_as_nobody() {
    [ "$(id -u)" -eq 0 ] || skip "needs root to run gdb as another user (runuser)"
    command -v runuser >/dev/null || skip "runuser is not installed (util-linux)"
    if [ -z "${pid:-}" ]; then
        sleep 60 &
        pid=$!
    fi
    # User nobody cannot read the bats temporary directories, nor a checkout
    # below a private directory (mktemp -d): give it a readable copy of the
    # gdb package, and of the fake ptrace_scope file.
    if [ -z "${nobody_dir:-}" ]; then
        nobody_dir=$(mktemp -d /tmp/pyhook-nobody.XXXXXX)
        cp -r "$ROOT/gdb" "$nobody_dir/"
        chmod -R a+rX "$nobody_dir"
    fi
    local yama=()
    if [ -n "${1:-}" ]; then
        echo "$1" >"$nobody_dir/ptrace_scope"
        chmod a+r "$nobody_dir/ptrace_scope"
        yama=(PYHOOK_TEST_YAMA_FILE="$nobody_dir/ptrace_scope")
    fi
    run --separate-stderr timeout 60 runuser -u nobody -- env HOME=/tmp "${yama[@]}" \
        gdb -nx -batch -ex "source $nobody_dir/gdb/py_hook.py" -ex "py-hook-attach $pid"
    printf '# status %s\n# stdout\n%s\n# stderr\n%s\n' "$status" "$output" "$stderr"
}

@test "attach refused by ptrace: the message says it was refused and what to run instead" {
    attach_as_nobody
    assert_failure
    [[ "$stderr" == *"py-hook: attaching to process $pid failed: "*"not permitted"* ]] || fail "no refusal"
    if [ -r /proc/sys/kernel/yama/ptrace_scope ]; then
        [[ "$stderr" == *"ptrace_scope is $(cat /proc/sys/kernel/yama/ptrace_scope)"* ]] || fail "Yama not named"
    else
        [[ "$stderr" == *"no Yama ptrace_scope setting"*"sudo gdb -p $pid"* ]] || fail "no fix named"
    fi
    refute_output --partial "Traceback"
    kill -0 "$pid" || fail "the target died"
}

@test "with Yama's ptrace_scope 1 the explanation names the sysctl that allows the attach" {
    # The refusal is real; only the ptrace_scope value is read from a file
    # of the test's, as this kernel may not have Yama.
    attach_as_nobody 1
    assert_failure
    [[ "$stderr" == *"ptrace_scope is 1: a process may only be traced by its parent"* ]] || fail "scope 1 not explained"
    [[ "$stderr" == *"sudo sysctl kernel.yama.ptrace_scope=0"* ]] || fail "no sysctl fix"
    attach_as_nobody 3
    [[ "$stderr" == *"ptrace_scope is 3: attaching is disabled for everyone until the machine reboots"* ]] ||
        fail "scope 3 not explained"
}
