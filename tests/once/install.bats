#!/usr/bin/env bats
# make install / uninstall honour PREFIX and DESTDIR, and the installed copy works outside the tree.

load ../helper

@test "make install puts the library, the gdb package and the docs under DESTDIR/PREFIX; uninstall removes exactly those" {
    local dest="$BATS_TEST_TMPDIR/dest"
    run make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/opt/pyhook
    assert_success
    [ -f "$dest/opt/pyhook/lib/libhookhelper.so" ] || fail "no library"
    [ -f "$dest/opt/pyhook/share/py-hook/gdb/py_hook.py" ] || fail "no loader"
    [ -f "$dest/opt/pyhook/share/py-hook/gdb/pyhook/inferior.py" ] || fail "no package"
    [ -f "$dest/opt/pyhook/share/doc/py-hook/README.md" ] || fail "no README"
    mkdir -p "$dest/opt/pyhook/lib/other" && touch "$dest/opt/pyhook/lib/other/keep"
    run make -s -C "$ROOT" uninstall DESTDIR="$dest" PREFIX=/opt/pyhook
    assert_success
    run find "$dest" -type f
    assert_output "$dest/opt/pyhook/lib/other/keep"
}

@test "an installed copy, loaded from outside the source tree, edits a local" {
    local prefix="$BATS_TEST_TMPDIR/prefix"
    run make -s -C "$ROOT" install PREFIX="$prefix"
    assert_success
    cp "$(sample seed.py)" "$BATS_TEST_TMPDIR/app.py"
    cd "$BATS_TEST_TMPDIR"
    gdb_raw "${PREAMBLE[@]}" -ex "set environment LD_PRELOAD=$prefix/lib/libhookhelper.so" \
        -ex "source $prefix/share/py-hook/gdb/py_hook.py" -ex "break getppid" -ex run \
        -ex "py-hook-set a 1000" -ex continue --args "$PY" app.py
    assert_success
    assert_line "a = 1000  (int)"
    assert_line "1001"
}
