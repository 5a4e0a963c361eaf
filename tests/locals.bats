#!/usr/bin/env bats
# py-hook-locals: every variable with its value and type, rendered without running user code.

load helper

# values_session COMMAND: samples/values.py at its stop, COMMAND, then its
# end.  Read-only: tests with the same COMMAND share one session.
values_session() {
    shared_session "$(sample values.py)" <<EOF
break getppid
run
$1
continue
EOF
}

@test "py-hook-locals renders ints of any size, floats, complex, bool and None" {
    values_session py-hook-locals
    assert_success
    refute_traceback
    assert_line "big = 1267650600228229401496703205376  (int)"
    assert_line --regexp '^huge = 0x[0-9a-f]+\.\.\. \(56148 bits\)  \(int\)$'
    assert_line "neg = -42  (int)"
    assert_line "ratio = 0.1  (float)"
    assert_line "z = (1.5-2j)  (complex)"
    assert_line "flag = True  (bool)"
    assert_line "nothing = None  (NoneType)"
    assert_equal "$(program_output)" "done"
}

@test "py-hook-locals escapes str and bytes: no raw control bytes reach the terminal" {
    values_session py-hook-locals
    assert_line "text = 'tab\\there\\nnew line \\x00 nul é'  (str, len 25)"
    assert_line "blob = b'\\x00\\x01abc\\xff'  (bytes, len 6)"
    # (bash strings cannot hold NUL; the helper escapes \x00 like \x01.)
    [[ "$output" != *$'\x01'* && "$output" != *$'\xff'* ]] || fail "raw control bytes in the output"
}

@test "a long str is cut at the value limit, its full length shown and the cut marked" {
    values_session py-hook-locals
    local shown="'$(printf 'x%.0s' $(seq 199))..."
    assert_line "long_text = $shown  (str, len 100000)"
}

@test "set py-hook value-limit changes where values are cut" {
    gdb_session "$(sample values.py)" <<EOF
break getppid
run
set py-hook value-limit 20
show py-hook value-limit
py-hook-locals
continue
EOF
    assert_success
    assert_line "py-hook shows at most 20 characters of each value."
    assert_line "long_text = 'xxxxxxxxxxxxxxxxxxx...  (str, len 100000)"
    assert_equal "$(program_output)" "done"
}

@test "value-limit counts characters, not bytes: 'é' * 300 is cut after 20 characters" {
    gdb_session "$(sample interrupt.py)" <<EOF
break getppid
run
set py-hook value-limit 20
py-hook-set a "é" * 300
delete
continue
EOF
    assert_success
    assert_line "a = 'ééééééééééééééééééé...  (str, len 300)"
    assert_equal "$(program_output)" "$(printf 'a %s\ndone' "$(printf 'é%.0s' $(seq 300))")"
}

@test "set py-hook value-limit: 0 and unlimited mean the most there is, a value below 16 is raised to 16 and says so" {
    gdb_session "$(sample values.py)" <<EOF
break getppid
run
set py-hook value-limit 0
show py-hook value-limit
set py-hook value-limit 5
show py-hook value-limit
py-hook-locals
set py-hook value-limit unlimited
show py-hook value-limit
delete
continue
EOF
    assert_success
    [ "$(grep -c '^py-hook shows values up to 1000000 characters (unlimited).$' <<<"$output")" -eq 2 ] ||
        fail "0 and unlimited are not shown as unlimited"
    assert_line "py-hook value-limit must be 16 to 1000000: set to 16."
    assert_line "py-hook shows at most 16 characters of each value."
    assert_line "long_text = 'xxxxxxxxxxxxxxx...  (str, len 100000)"
    assert_equal "$(program_output)" "done"
}

@test "containers show type, length and first items, rendered the same way" {
    values_session py-hook-locals
    assert_line "items = [1, 'two', 3.0, None]  (list, len 4)"
    assert_line "pair = (1,)  (tuple, len 1)"
    assert_line "table = {'a': 1, 2: [3, 4]}  (dict, len 2)"
    assert_line "bag = {7}  (set, len 1)"
    assert_line "empty = frozenset()  (frozenset, len 0)"
    assert_line --regexp '^nested = \[\[\[<list at 0x[0-9a-f]+>\]\]\]  \(list, len 1\)$'
}

@test "other objects show as <Type at 0x...>; a subclass of int whose __repr__ raises shows as MyInt(5), the __repr__ never run" {
    values_session py-hook-locals
    assert_line --regexp '^obj = <object at 0x[0-9a-f]+>  \(object\)$'
    assert_line "sub = MyInt(5)  (MyInt)"
    refute_output --partial "must not call"
    run program_errors
    refute_output --partial "must not call"
}

@test "a variable not yet assigned is shown as unbound, in definition order" {
    values_session py-hook-locals
    assert_line "unbound_later = <unbound>  (local)"
    names=$(grep -oE '^[a-z_]+ = ' <<<"$output" | cut -d' ' -f1 | tr '\n' ' ')
    assert_equal "$names" "big huge neg ratio z flag nothing text blob long_text items pair table bag empty nested obj sub unbound_later "
}

@test "py-hook-locals N shows frame N without changing the selected frame" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-locals 1
py-hook-locals
py-hook-locals 1 --globals
continue
EOF
    assert_success
    assert_line "GLOBAL_VAR = 100  (int)"
    # The module frame's definitions are counted; --globals lists them
    # (how many dunder names a module has depends on the version).
    local listed
    listed=$(sed -n '/^c = <unbound>  (local)$/,$p' <<<"$output" | tail -n +2 | grep -c '^[A-Za-z_][A-Za-z_0-9]* = ')
    [ "$listed" -ge 10 ] || fail "--globals listed only $listed names"
    assert_line "($((listed - 1)) more: modules, functions, classes and __dunder__ names; --globals lists them)"
    assert_line "__name__ = '__main__'  (str, len 8)"
    assert_line "os = <module 'os'>  (module)"
    assert_line "main = <function main>  (function)"
    assert_line "a = 1  (int)"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "py-hook-locals rejects bad frame numbers and extra arguments with a usage line" {
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
py-hook-locals x
py-hook-locals -1
py-hook-locals 1 2
py-hook-locals 9
continue
EOF
    refute_traceback
    [[ "$stderr" == *"py-hook-locals: 'x' is not a frame number"* ]] || fail "no error for x"
    [[ "$stderr" == *"frame numbers start at 0 (innermost), got -1"* ]] || fail "no error for -1"
    [[ "$stderr" == *"py-hook-locals: too many arguments"* ]] || fail "no error for 1 2"
    [[ "$stderr" == *"there is no Python frame 9: this thread has 2 (0 to 1)"* ]] || fail "no error for 9"
    [[ "$stderr" == *"Usage: py-hook-locals [N]"* ]] || fail "no usage line"
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}
