#!/usr/bin/env bats
# help py-hook lists every command; each command's help has a Usage: line.

load ../helper

COMMANDS=(py-hook-bt py-hook-frame py-hook-up py-hook-down py-hook-locals py-hook-set)

@test "help py-hook lists every command with a one-line summary" {
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "help py-hook"
    assert_success
    for c in "${COMMANDS[@]}"; do
        assert_line --regexp "^$c +-- [A-Z].+\.$"
    done
}

@test "each command's help has a Usage: line naming the command" {
    for c in "${COMMANDS[@]}"; do
        gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "help $c"
        assert_success
        assert_line --regexp "^Usage: $c( |$)"
    done
}

@test "sourcing the extension twice defines each command once and still works" {
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "source $ROOT/gdb/py_hook.py" -ex "help py-hook"
    assert_success
    assert_equal "$(grep -c '^py-hook-bt ' <<<"$output")" 1
    refute_output --partial "Traceback"
    [[ "$stderr" != *"Traceback"* ]] || fail "$stderr"
}

@test "show py-hook value-limit has a default of 200 and set rejects non-numbers" {
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "show py-hook value-limit" -ex "set py-hook value-limit lots"
    assert_line "py-hook shows at most 200 characters of each value."
    [[ "$stderr" == *"integer"* || "$stderr" == *"Invalid number"* || "$stderr" == *"No symbol"* ]] || fail "no error for 'lots': $stderr"
}

@test "show py-hook lists every setting with its value" {
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "set py-hook call-timeout 7" -ex "show py-hook"
    assert_success
    assert_line "value-limit: py-hook shows at most 200 characters of each value."
    assert_line "call-timeout: py-hook interrupts a call into the target after 7 seconds."
    assert_line "interrupt-grace: An interrupted call gets 3 seconds to end by itself before gdb unwinds it."
}

@test "set py-hook interrupt-grace keeps to 1 to 60 seconds and says so" {
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex "set py-hook interrupt-grace 0" \
        -ex "show py-hook interrupt-grace" -ex "set py-hook interrupt-grace 500" \
        -ex "show py-hook interrupt-grace" -ex "set py-hook interrupt-grace 5" -ex "show py-hook interrupt-grace"
    assert_success
    assert_line "py-hook interrupt-grace must be 1 to 60 seconds: set to 1."
    assert_line "An interrupted call gets 1 second to end by itself before gdb unwinds it."
    assert_line "py-hook interrupt-grace must be 1 to 60 seconds: set to 60."
    assert_line "An interrupted call gets 5 seconds to end by itself before gdb unwinds it."
}
