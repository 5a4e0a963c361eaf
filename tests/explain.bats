#!/usr/bin/env bats
# py-hook-explain [N]: a frame's statement with the values of its names,
# attribute chains and subscripts, read from memory; the exception in
# flight at a py-hook-catch stop, as pytest shows a failed assert.

load helper

@test "py-hook-explain shows the statement and each name, attribute chain and subscript it uses; a property is named, not called" {
    gdb_session "$(sample explain.py)" <<'EOF'
break getppid
run
py-hook-explain
py-hook-explain 1
continue
EOF
    assert_success
    refute_traceback
    assert_line --regexp "^#0  .*explain.py:32 in Worker.run$"
    assert_line --regexp '^  31 +over = self.conf.limit < len\(self.items\) and table\["k"\] \* SCALE > self.items\[0\] and \\$'
    assert_line --regexp "^->32 +self.conf.name and os.getppid\(\) > 0 and self.size$"
    assert_line "    self.conf = <Conf name='c'>  (Conf)"
    assert_line "    self.conf.limit = 2  (int)"
    assert_line "    self.conf.name = 'c'  (str, len 1)"
    assert_line "    self.items[0] = 5  (int)"
    assert_line "    table['k'] = 1  (int)"
    assert_line "    SCALE = 10  (int)"
    assert_line "    self.size: not read: its value comes from a property, which needs a call"
    assert_line --regexp "^->36 +Worker\(\).run\(\{\"k\": 1\}\)$"
    refute_line --regexp "^    over"
    refute_line --regexp "^    len"
    assert_equal "$(program_output)" "over True size 3"
}

@test "at a failed assert caught with py-hook-catch, the exception and the values on its line are shown; the program goes on to print an edit" {
    gdb_session "$(sample raises.py)" <<'EOF'
py-hook-catch raise AssertionError
run
py-hook-explain
py-hook-exec --frame 1 results.append('explained')
continue
EOF
    assert_success
    refute_traceback
    assert_line --regexp '^->37 +assert stats\["seen"\] == stats\["total"\], "counts differ"$'
    assert_line "AssertionError: counts differ  (being raised in this frame)"
    assert_line "    stats = {'seen': 3, 'total': 4}  (dict, len 2)"
    assert_line "    stats['seen'] = 3  (int)"
    assert_line "    stats['total'] = 4  (int)"
    assert_equal "$(program_output)" \
        "[1, None, \"missing 'port'\", 'level 6 over 5', 'explained', 'assert failed']"
}

@test "py-hook-explain reads a core file, and refuses a bad frame number clearly" {
    gdb_session "$(sample explain.py)" <<EOF
break getppid
run
gcore $BATS_TEST_TMPDIR/core
py-hook-explain 9
py-hook-explain x
continue
EOF
    refute_traceback
    [[ "$stderr" == *"py-hook: there is no Python frame 9 in this thread; see py-hook-bt"* ]] || fail "frame 9 not refused"
    [[ "$stderr" == *"py-hook-explain: 'x' is not a frame number"* ]] || fail "x not refused"
    assert_equal "$(program_output)" "over True size 3"
    gdb_raw -ex "source $ROOT/gdb/py_hook.py" -ex py-hook-explain "$PY" "$BATS_TEST_TMPDIR/core"
    assert_success
    refute_traceback
    assert_line "    self.conf.limit = 2  (int)"
    assert_line "    table['k'] = 1  (int)"
}

@test "py-hook-explain follows Python's attribute lookup: a data descriptor before the instance's own value, __getattribute__ and __getattr__ named, never called" {
    gdb_session "$(sample lookup.py)" <<'EOF'
break getppid
run
py-hook-explain
continue
EOF
    assert_success
    refute_traceback
    assert_line "    p.x: not read: its class defines __getattribute__, which needs a call"
    assert_line "    a.d: not read: its value comes from a Prop, which needs a call"
    assert_line "    a.plain = 5  (int)"
    assert_line "    a.own = 1  (int)"
    assert_line "    a.meth = <function A.meth>  (function)"
    assert_line "    lz.real = 2  (int)"
    assert_line "    lz.other: not read: not found without its class's __getattr__, which needs a call"
    # The program's own evaluation of a.d is the only side effect.
    assert_equal "$(program_output)" "$(printf "SIDE EFFECT\n('proxied-x', 'from-descriptor', 5, 1, 'lazy-other')")"
}

@test "py-hook-explain on classes: metaclass properties and __getattribute__, descriptors, classmethods named; attributes of builtin subclasses' instances read" {
    gdb_session "$(sample classlookup.py)" <<'EOF'
break getppid
run
py-hook-explain
continue
EOF
    assert_success
    refute_traceback
    assert_line "    C.x: not read: its value comes from a property on the metaclass, which needs a call"
    assert_line "    D.d: not read: its value comes from a Desc, which needs a call"
    assert_line "    G.y: not read: its metaclass defines __getattribute__, which needs a call"
    assert_line "    D.cm: not read: its value comes from a classmethod, which needs a call"
    assert_line "    Sub.plain = 3  (int)"
    assert_line "    l.tag = 1  (int)"
    assert_line "    err.code = 5  (int)"
    assert_equal "$(program_output)" "$(printf "META SIDE\nDESC SIDE\nDESC SIDE\n('meta-x', 42, 'ga', 3, 1, 5)")"
}
