#!/usr/bin/env bats
# The loader stub inside gdb/pyhook/inject.py is helper/inject.S assembled.

load ../helper

@test "inject.py's stub bytes equal helper/inject.S as assembled now, and it has no relocations" {
    run make -s -C "$ROOT" build/inject.bin
    assert_success
    run objdump -r "$ROOT/build/obj/inject.o"
    refute_output --partial "R_X86_64"
    local built
    built=$(od -An -v -tx1 "$ROOT/build/inject.bin" | tr -d ' \n')
    run timeout 60 gdb -nx -batch -ex "python import sys; sys.path.insert(0, '$ROOT/gdb')" \
        -ex "python from pyhook import inject; print('stub ' + inject.STUB.hex())"
    assert_success
    assert_line "stub $built"
}
