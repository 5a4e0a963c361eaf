#!/usr/bin/env bats
# A libhookhelper.so of another build is refused by name and version; the
# program then finishes normally.  Interpreter-independent: it compiles a
# helper, so it runs once, on the host.

load ../helper

target() {
    gdb_session "$(sample target.py)" < <(printf '%s\n' "break getppid" run "$@" "py-hook-locals" continue)
}

@test "a helper built for another ABI version is refused by name and version, and nothing is called" {
    mkdir -p "$BATS_TEST_TMPDIR/old/helper"
    cp "$ROOT"/helper/* "$BATS_TEST_TMPDIR/old/helper/"
    sed -i 's/^#define HOOK_ABI_VERSION [0-9]*$/#define HOOK_ABI_VERSION 99/' "$BATS_TEST_TMPDIR/old/helper/hookhelper.h"
    local old="$BATS_TEST_TMPDIR/old/helper"
    mkdir -p "$BATS_TEST_TMPDIR/old/build"
    cc -O2 -std=c11 -fPIC -fvisibility=hidden -I"$old" -shared \
        -Wl,--version-script="$old/libhookhelper.map" -o "$BATS_TEST_TMPDIR/old/build/libhookhelper.so" \
        "$old"/*.c "$old/entry.S"
    HELPER="$BATS_TEST_TMPDIR/old/build/libhookhelper.so" target "py-hook-set a 1" "py-hook-status"
    local abi
    abi=$(sed -n 's/^#define HOOK_ABI_VERSION \([0-9]*\)$/\1/p' "$ROOT/helper/hookhelper.h")
    [[ "$stderr" =~ "the libhookhelper.so in process "[0-9]+" speaks helper ABI 99, this extension speaks $abi; load the gdb extension and the library from one build" ]] ||
        fail "no ABI error"
    assert_line --partial "Helper: not usable: the libhookhelper.so in process"
    assert_equal "$(program_output)" "42"
}
