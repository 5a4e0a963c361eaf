#!/usr/bin/env bats
# make install / uninstall honour PREFIX and DESTDIR, and the installed copy works outside the tree.

load ../helper

# Installs into a temporary $prefix, and changes to a directory outside the
# source tree holding app.py, a copy of samples/seed.py.
install_with_app() {
    prefix="$BATS_TEST_TMPDIR/prefix"
    run make -s -C "$ROOT" install PREFIX="$prefix"
    assert_success
    cp "$(sample seed.py)" "$BATS_TEST_TMPDIR/app.py"
    cd "$BATS_TEST_TMPDIR"
}

@test "make install puts the launcher, the library, the gdb package and the docs under DESTDIR/PREFIX; uninstall removes exactly those" {
    local dest="$BATS_TEST_TMPDIR/dest"
    run make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/opt/pyhook
    assert_success
    [ -f "$dest/opt/pyhook/bin/py-hook" ] || fail "no launcher"
    assert_equal "$(stat -c %a "$dest/opt/pyhook/bin/py-hook")" 755
    [ -f "$dest/opt/pyhook/lib/libhookhelper.so" ] || fail "no library"
    [ -f "$dest/opt/pyhook/share/py-hook/gdb/py_hook.py" ] || fail "no loader"
    [ -f "$dest/opt/pyhook/share/py-hook/gdb/pyhook/inferior.py" ] || fail "no package"
    [ -f "$dest/opt/pyhook/share/doc/py-hook/README.md" ] || fail "no README"
    mkdir -p "$dest/opt/pyhook/lib/other" && touch "$dest/opt/pyhook/lib/other/keep"
    run make -s -C "$ROOT" uninstall DESTDIR="$dest" PREFIX=/opt/pyhook
    assert_success
    [ ! -e "$dest/opt/pyhook/bin/py-hook" ] || fail "launcher left behind"
    run find "$dest" -type f
    assert_output "$dest/opt/pyhook/lib/other/keep"
}

@test "an installed copy, loaded from outside the source tree, edits a local" {
    install_with_app
    gdb_raw "${PREAMBLE[@]}" -ex "set environment LD_PRELOAD=$prefix/lib/libhookhelper.so" \
        -ex "source $prefix/share/py-hook/gdb/py_hook.py" -ex "break getppid" -ex run \
        -ex "py-hook-set a 1000" -ex continue -iex "set args app.py > $PROG_OUT 2> $PROG_ERR" "$PY"
    assert_success
    assert_line "a = 1000  (int)"
    assert_equal "$(program_output)" "$(printf '1000\n1001\n101')"
}

@test "the installed launcher, run from outside the source tree, edits a local" {
    install_with_app
    # The installed copy must use the installed files, never the source tree's.
    PYHOOK_GDB_ARGS="-nx -batch" run --separate-stderr \
        timeout -k 5 "$GDB_TIMEOUT" "$prefix/bin/py-hook" run --break getppid \
        --ex "info sharedlibrary libhookhelper" --ex "py-hook-set a 1000" --ex continue -- "$PY" app.py
    printf '# status: %s\n# stdout:\n%s\n# stderr:\n%s\n' "$status" "$output" "$stderr"
    [ "$status" -ne 124 ] && [ "$status" -ne 137 ] || fail "py-hook timed out after ${GDB_TIMEOUT}s"
    assert_success
    assert_output --partial "$prefix/lib/libhookhelper.so"
    refute_output --partial "$ROOT/build/libhookhelper.so"
    assert_line "a = 1000  (int)"
    assert_line "1000"
    assert_line "1001"
    run "$prefix/bin/py-hook" --version
    assert_success
    assert_output --regexp '^py-hook [0-9]+\.[0-9]+\.[0-9]+$'
}
