#!/usr/bin/env bats
# Comprehensions: a frame of their own up to 3.11, inlined into the enclosing
# frame since 3.12 (PEP 709), with 3.13's write-through locals (PEP 667).

load helper

# "3.11", "3.12" or "3.13": the interpreter under test.
py_minor() {
    "$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])'
}

@test "inside a function's comprehension: the loop variable and the function's local can both be set" {
    gdb_session "$(sample comprehension.py)" <<'EOF_'
break getppid
run
py-hook-set x 5
py-hook-set base 100
delete
continue
EOF_
    assert_success
    refute_traceback
    assert_line "x = 5  (int)"
    assert_line --regexp '^base = 100  \(int(, free)?\)$'
    # First item 100 + 5, the others see base = 100 too.
    assert_equal "$(program_output | head -n 1)" "function [105, 101, 102]"
}

@test "a module-level comprehension: a global set while it runs is what the rest of the comprehension reads" {
    # 3.11: frame 0 is <listcomp>, the module is frame 1.  3.12+: the
    # comprehension runs inlined in <module>, frame 0.
    local frame=0
    [ "$(py_minor)" = 3.11 ] && frame=1
    gdb_session "$(sample comprehension.py)" <<EOF_
break getppid
run
continue
continue
continue
py-hook-bt
py-hook-set --frame $frame scale 7
delete
continue
EOF_
    assert_success
    refute_traceback
    assert_line --regexp "^#$frame  .*comprehension.py:19 in <module>\$"
    assert_line "scale = 7  (int)"
    # The item in flight used scale 1; the two after it read 7.
    assert_equal "$(program_output | tail -n 1)" "module [0, 7, 14] scale 7"
}

@test "a module-level comprehension's own variable: set on 3.11, refused by name on 3.12+ with nothing changed" {
    gdb_session "$(sample comprehension.py)" <<'EOF_'
break getppid
run
continue
continue
continue
py-hook-set y 2
py-hook-locals
delete
continue
EOF_
    assert_success
    refute_traceback
    if [ "$(py_minor)" = 3.11 ]; then
        assert_line "y = 2  (int)"
        assert_equal "$(program_output | tail -n 1)" "module [2, 1, 2] scale 1"
    else
        [[ "$stderr" == *"a comprehension that runs inlined in this module or class body (PEP 709)"*"nothing was changed"* ]] ||
            fail "no refusal naming PEP 709 on stderr"
        # The listing shows the comprehension's y next to the module's globals.
        assert_line "y = 0  (int)"
        assert_line "scale = 1  (int)"
        assert_equal "$(program_output | tail -n 1)" "module [0, 1, 2] scale 1"
    fi
}
