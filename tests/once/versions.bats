#!/usr/bin/env bats
# CPython versions py-hook does not support are refused by name, and the program runs on unharmed.

load ../helper

teardown() {
    [ -z "${pid:-}" ] || kill "$pid" 2>/dev/null || true
    [ -z "${other:-}" ] || kill "$other" 2>/dev/null || true
}

OLD_PY=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")/versions/3.10.13/bin/python3.10

@test "CPython 3.10 is refused by its version, py-hook-status says NOT SUPPORTED, and the program finishes" {
    [ -x "$OLD_PY" ] || skip "no CPython 3.10 to test with ($OLD_PY is missing; pyenv install 3.10.13)"
    PY=$OLD_PY gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-bt
py-hook-set a 1000
py-hook-status
continue
EOF
    refute_traceback
    [ "$(grep -c 'py-hook: CPython 3.10.13 is not supported (older than 3.11: it has no Py_Version); py-hook supports CPython 3.11 to 3.15 \[HOOK_ERR_UNSUPPORTED_PYTHON\]' <<<"$stderr")" -eq 2 ] ||
        fail "not refused by name"
    assert_line "Python: CPython older than 3.11 (no Py_Version): NOT SUPPORTED, py-hook supports 3.11 to 3.15"
    assert_line "Selected thread 1: py-hook cannot act: this is not a CPython it supports (3.11 to 3.15)."
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "py-hook-attach on a CPython 3.10 or a non-Python process started without the helper: refused by name, nothing loaded" {
    [ -x "$OLD_PY" ] || skip "no CPython 3.10 to test with ($OLD_PY is missing; pyenv install 3.10.13)"
    env -u LD_PRELOAD "$OLD_PY" "$(sample waiter.py)" >"$PROG_OUT" 2>"$PROG_ERR" &
    pid=$!
    sleep 60 &
    other=$!
    sleep 0.7
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-attach $pid" \
        -ex "pipe info sharedlibrary | grep -c libhookhelper" -ex detach
    [[ "$stderr" == *"py-hook: process $pid runs CPython 3.10 (from libpython3.10.so"*"which py-hook does not support (it serves 3.11 to 3.15); nothing was loaded"* ]] ||
        fail "3.10 not refused by name"
    assert_line "0"
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "py-hook-attach $other" -ex detach
    [[ "$stderr" == *"py-hook: process $other shows no CPython in it"* ]] || fail "a non-Python process not named as such"
    refute_traceback
    kill -0 "$pid" || fail "the 3.10 program died"
    grep -q libhookhelper "/proc/$pid/maps" && fail "the helper was loaded into the 3.10 program"
    kill "$pid" "$other"
    pid= other=
}

@test "a CPython newer than py-hook knows (3.16, Py_Version made so in memory) is refused by name on both paths, and the program finishes" {
    gdb_session "$(sample seed.py)" <<'EOF_'
break getppid
run
set var *(unsigned int *) &Py_Version = 0x031000f0
py-hook-bt --memory
py-hook-bt
py-hook-set a 1000
py-hook-status
set var *(unsigned int *) &Py_Version = 0x030b02f0
continue
EOF_
    refute_traceback
    [[ "$stderr" == *"py-hook knows no layout of CPython 3.16 (it supports 3.11 to 3.15)"* ]] ||
        fail "the memory path does not refuse 3.16 by name"
    [ "$(grep -c 'CPython 3.16' <<<"$stderr")" -ge 3 ] || fail "not every command names 3.16"
    assert_line "Python: CPython 3.16.0: NOT SUPPORTED, py-hook supports 3.11 to 3.15"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}
