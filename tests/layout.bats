#!/usr/bin/env bats
# Every fact of gdb/pyhook/facts.py, the one source of layouts, is what the
# interpreter under test shows (tests/layout.py: its debug information, the
# interpreter itself, its memory); without debug information py-hook reads
# with its table, and on 3.13+ what the process publishes wins over it.

load helper

# debug_build: whether the interpreter under test is a --with-pydebug build.
debug_build() {
    "$PY" -c 'import sys; sys.exit(not hasattr(sys, "gettotalrefcount"))'
}

@test "facts.py's table for this version equals what the interpreter shows: debug information, the interpreter itself, its memory; glibc's too" {
    # A run that hides the debug symbols shows them to this test: the table
    # is what the run reads with, so it is checked against them here.
    GDB_INIT=()
    gdb_session "$(sample layoutcheck.py)" <<EOF_
source $ROOT/tests/layout.py
break getppid
run
layout-check
python from pyhook import runtime; L = runtime.layout_of_process(); print("fallbacks %r" % (L.fallbacks,))
delete
continue
EOF_
    assert_success
    refute_traceback
    local n
    n=$(grep -c '^fact ' <<<"$output")
    [ "$n" -ge 180 ] || fail "only $n facts compared"
    local mismatches
    mismatches=$(awk '$1 == "fact" && $5 != $7' <<<"$output")
    [ -z "$mismatches" ] || fail "facts.py and the interpreter differ: $mismatches"
    assert_line --regexp "^layout: $n facts, 0 differ, 0 not measured, 0 in the table only$"
    assert_line "fallbacks []"
    assert_line --regexp '^glibc: 2\.[0-9]+, table 2\.(25|41), 0 differ$'
    # 3.13+: what the process publishes is the same as the debug information.
    if "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 13))'; then
        assert_line --regexp '^published: [0-9]+ facts, 0 differ$'
    fi
    assert_equal "$(program_output)" "layoutcheck done"
}

@test "without debug information py-hook reads with its table: status tells who holds the GIL, bt lists every thread" {
    local -a hide=()
    debug_build && skip "a debug build is read only with its debug information (status.bats: refused without)"
    if [ -z "${PYHOOK_NODEBUG_DIR:-}" ]; then
        # The debug symbols are a separate package here (python3.X-dbg):
        # hidden, the build reads as without them.
        "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 14))' ||
            skip "this interpreter's debug information is built in or not hidden here; the run without it checks"
        hide=(-iex "set debug-file-directory /nonexistent")
    fi
    GDB_INIT+=("${hide[@]}")
    gdb_session "$(sample threads.py)" <<'EOF_'
break getppid
run
py-hook-status
py-hook-bt --all
delete
continue
EOF_
    assert_success
    refute_traceback
    assert_line --regexp "^Runtime state: read from memory with py-hook's built-in layout for 3\.[0-9]+ \(no debug information\)$"
    assert_line --regexp '^  \* [0-9]+ +[0-9]+ +\S+ +yes +holds it$'
}

@test "3.13+: where the offsets the process publishes and py-hook's table disagree, the published ones win and status says so" {
    "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 14))' ||
        skip "needs a 3.14+ release build with separate debug symbols to hide (3.13 publishes offsets too; the pyenv 3.13 here has its symbols built in)"
    [ -z "${PYHOOK_NODEBUG_DIR:-}" ] || skip "the run without debug information checks the table alone"
    debug_build && skip "a debug build is read only with its debug information; the release build's run checks this"
    GDB_INIT+=(-iex "set debug-file-directory /nonexistent")
    # The table is made wrong for two published fields; the readings must
    # still be right, and status must name both.
    gdb_session "$(sample threads.py)" <<'EOF_'
break getppid
run
python from pyhook import facts, layout, runtime; v = layout.minor(runtime.python_version()); facts.TABLE[v] = dict(facts.TABLE[v]); facts.TABLE[v]["tstate.native_thread_id"] = (8, 8); facts.TABLE[v]["code.qualname"] = (16, 8)
py-hook-status
py-hook-bt --all
delete
continue
EOF_
    assert_success
    refute_traceback
    assert_line --regexp "^Runtime state: read from memory with py-hook's built-in layout for 3\.[0-9]+ \(no debug information\), 2 offsets as the process publishes them$"
    assert_line --regexp "^  tstate\.native_thread_id at [0-9]+, as the process publishes it \(py-hook's table says 8\)$"
    assert_line --regexp "^  code\.qualname at [0-9]+, as the process publishes it \(py-hook's table says 16\)$"
    assert_line --regexp '^  \* [0-9]+ +[0-9]+ +\S+ +yes +holds it$'
    assert_line --regexp '^#0  .*/samples/threads\.py:[0-9]+ in '
}
