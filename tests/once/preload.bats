#!/usr/bin/env bats
# The preloaded helper leaves no trace in a program that is not Python: no pending dlerror(), nothing printed, nothing opened.

load ../helper

probe() {
    cat >"$BATS_TEST_TMPDIR/probe.c" <<'EOF'
#include <dlfcn.h>
#include <stdio.h>
int main (void)
{
  const char *e = dlerror ();
  printf ("dlerror: %s\n", e ? e : "none");
  return e != NULL;
}
EOF
    cc -o "$BATS_TEST_TMPDIR/probe" "$BATS_TEST_TMPDIR/probe.c" || fail "cannot build the probe"
}

@test "a C program that inherits the preload finds no dlerror() left by the helper and prints only its own line" {
    probe
    run --separate-stderr env LD_PRELOAD="$HELPER" "$BATS_TEST_TMPDIR/probe"
    assert_success
    assert_output "dlerror: none"
    assert_equal "$stderr" ""
}

@test "with the helper preloaded, a program that is not Python opens nothing more than the helper itself" {
    probe
    strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/probe" >/dev/null
    strace -f -e trace=open,openat -o "$BATS_TEST_TMPDIR/preloaded" env LD_PRELOAD="$HELPER" \
        "$BATS_TEST_TMPDIR/probe" >/dev/null
    # The files opened, without the ones 'env' opens to start the probe.
    opened() { sed -n 's/^[0-9]* *open[at]*(.*"\([^"]*\)".*= [0-9].*/\1/p' "$1" | sort -u; }
    extra=$(comm -13 <(opened "$BATS_TEST_TMPDIR/plain") <(opened "$BATS_TEST_TMPDIR/preloaded") |
        grep -v -e '/env$' -e 'locale' -e 'gconv' || true)
    assert_equal "$extra" "$HELPER"
}
