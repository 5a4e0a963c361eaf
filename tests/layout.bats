#!/usr/bin/env bats
# Reading CPython's runtime state without debug information: py-hook's
# built-in layout table is the layout CPython's debug information describes.

load helper

# gdb commands that print, for the interpreter under test, one line per
# field: "field NAME table OFFSET,SIZE debug OFFSET,SIZE".
compare_commands() {
    cat <<'EOF_'
set breakpoint pending on
break getppid
run
python from pyhook import layout, runtime
python v = runtime.python_version(); dbg = layout.from_debug_info(v)
python tab = layout.TABLE.get(layout.minor(v), {})
python [print(("field %s table %s debug %s" % (n, tab.get(n), dbg[n].as_tuple())).replace(", ", ",")) for n in sorted(dbg)]
python print("fields %d table %d" % (len(dbg), len(tab)))
python print("debug build %s" % runtime._debug_build())
python from pyhook import objects; modern = v >= layout.PY_3_12
python print("objects ascii %d %d" % (objects._ASCII_DATA[modern], gdb.lookup_type("PyASCIIObject").sizeof))
python print("objects compact %d %d" % (objects._COMPACT_DATA[modern], gdb.lookup_type("PyCompactUnicodeObject").sizeof))
python off = lambda t, m: [f.bitpos // 8 for f in gdb.lookup_type(t).fields() if f.name == m][0]
python [print("objects %s.%s %d %d" % (t, m, want, off(t, m))) for t, m, want in (("PyDictObject", "ma_used", 16), ("PyDictObject", "ma_keys", 32), ("PyDictObject", "ma_values", 40), ("PyDictKeysObject", "dk_log2_index_bytes", 9), ("PyDictKeysObject", "dk_kind", 10), ("PyDictKeysObject", "dk_nentries", 24), ("PyDictKeysObject", "dk_indices", 32), ("PyModuleObject", "md_dict", 16), ("PyASCIIObject", "length", 16), ("PyASCIIObject", "state", 32), ("PyFloatObject", "ob_fval", 16), ("PyComplexObject", "cval", 16), ("PyBytesObject", "ob_sval", 32), ("PyListObject", "ob_item", 24), ("PyTupleObject", "ob_item", 24), ("PyVarObject", "ob_size", 16), ("PySetObject", "used", 24), ("PySetObject", "mask", 32), ("PySetObject", "table", 40), ("PyCellObject", "ob_ref", 16))]
python from pyhook import target
python v < layout.PY_3_13 or runtime._check_debug_offsets(layout.from_table(v), target.symbol_address("_PyRuntime")) or print("3.13 debug offsets agree")
kill
EOF_
}

@test "the runtime layout: the built-in table equals the debug information; without it, status reads with the table" {
    if [ -n "${PYHOOK_NODEBUG_DIR:-}" ]; then
        # Debug information hidden: py-hook must fall back to its table and
        # still tell the GIL holder right.
        gdb_session "$(sample threads.py)" <<'EOF_'
break getppid
run
py-hook-status
delete
continue
EOF_
        assert_success
        refute_traceback
        assert_line --regexp "^Runtime state: read from memory with py-hook's built-in layout for 3\.[0-9]+ \(no debug information\)$"
        assert_line --regexp '^  \* [0-9]+ +[0-9]+ +\S+ +yes +holds it$'
    else
        gdb_session "$(sample seed.py)" < <(compare_commands)
        assert_success
        refute_traceback
        local n
        n=$(grep -c '^field ' <<<"$output")
        [ "$n" -ge 20 ] || fail "only $n fields compared"
        assert_line "fields $n table $n"
        # python3.11d is a debug build: py-hook never uses the table there
        # (nothing promises the same layout), but today's fields match too,
        # so it is compared like the others.
        assert_line --regexp '^debug build (True|False)$'
        # 3.13 publishes offsets of its own (_Py_DebugOffsets): they agree too.
        if "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 13))'; then
            assert_line "3.13 debug offsets agree"
        fi
        local mismatches
        mismatches=$(awk '$1 == "field" && $4 != $6' <<<"$output")
        [ -z "$mismatches" ] || fail "table and debug information differ: $mismatches"
        # The object layouts objects.py and render.py read at fixed offsets.
        [ "$(grep -c '^objects ' <<<"$output")" -eq 22 ] || fail "object layouts not all compared"
        mismatches=$(awk '$1 == "objects" && $3 != $4' <<<"$output")
        [ -z "$mismatches" ] || fail "objects.py and the debug information differ: $mismatches"
    fi
}

@test "the asyncio layout: py-hook's table of _asyncio's tasks, futures and future iterators, and of _thread.RLock, equals the debug information" {
    [ -z "${PYHOOK_NODEBUG_DIR:-}" ] || skip "the debug information is hidden in this run; the run with it compares"
    gdb_session "$(sample tasks.py)" <<'EOF'
break getppid
run
python from pyhook import layout, runtime, waits
python v = runtime.python_version(); tab = layout.ASYNCIO_TABLE[layout.minor(v)]
python dbg = {n: layout._resolve(t, p).as_tuple() for n, (t, p) in layout.ASYNCIO_SPEC.items()}
python [print(("asyncio %s table %s debug %s" % (n, tuple(tab[n]), dbg[n])).replace(", ", ",")) for n in sorted(dbg)]
python off = lambda t, m: [f.bitpos // 8 for f in gdb.lookup_type(t).fields() if f.name == m][0]
python print("rlock owner %d %d" % (waits.RLOCK_OWNER, off("rlockobject", "rlock_owner")))
python print("rlock count %d %d" % (waits.RLOCK_COUNT, off("rlockobject", "rlock_count")))
python print("rlock locked %d %d" % (waits.LOCK_LOCKED, off("lockobject", "locked")))
kill
EOF
    refute_traceback
    [ "$(grep -c '^asyncio ' <<<"$output")" -eq 10 ] || fail "not every asyncio field compared"
    local mismatches
    mismatches=$(awk '$1 == "asyncio" && $4 != $6' <<<"$output")
    [ -z "$mismatches" ] || fail "ASYNCIO_TABLE and the debug information differ: $mismatches"
    mismatches=$(awk '$1 == "rlock" && $3 != $4' <<<"$output")
    [ -z "$mismatches" ] || fail "waits.py's RLock offsets and the debug information differ: $mismatches"
    [ "$(grep -c '^rlock ' <<<"$output")" -eq 3 ] || fail "RLock and Lock offsets not compared"
}
