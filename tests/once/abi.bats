#!/usr/bin/env bats
# libhookhelper.so exports exactly the ABI its header declares, and the gdb side mirrors the header.

load ../helper

header() {
    echo "$ROOT/helper/hookhelper.h"
}

@test "nm -D --defined-only shows exactly the functions hookhelper.h declares, nothing else" {
    # Declarations start at column 0; the function name is the word before " (".
    declared=$(grep -E '^[a-z]' "$(header)" | grep -oE 'hook_[a-z_]+ \(' | sed 's/ (//' | sort | tr '\n' ' ')
    [ -n "$declared" ] || fail "found no declarations in hookhelper.h"
    # Version-node entries (type A) are not symbols.
    exported=$(nm -D --defined-only "$HELPER" | awk '$2 != "A" {sub(/@.*/, "", $3); print $3}' | sort | tr '\n' ' ')
    assert_equal "$exported" "$declared"
    assert_equal "$exported" "hook_apply_locals hook_handshake hook_recover hook_snapshot "
}

@test "the helper does not link against libpython" {
    run ldd "$HELPER"
    assert_success
    refute_output --partial libpython
}

@test "the gdb side's constants match hookhelper.h: ABI version, magic, limits, flags, status codes" {
    cc -E -dM "$(header)" | grep -E 'define HOOK_' >"$BATS_TEST_TMPDIR/macros"
    run python3 - "$ROOT/gdb" "$(header)" "$BATS_TEST_TMPDIR/macros" <<'PY'
import re, sys
sys.path.insert(0, sys.argv[1])
import importlib.util
spec = importlib.util.spec_from_file_location("abi", sys.argv[1] + "/pyhook/abi.py")
abi = importlib.util.module_from_spec(spec)
spec.loader.exec_module(abi)
macros = dict(re.findall(r"#define (HOOK_\w+) (\S+)", open(sys.argv[3]).read()))
for name in ("HOOK_ABI_VERSION", "HOOK_CHANNEL_MAGIC", "HOOK_VALUE_LIMIT_MIN",
             "HOOK_VALUE_LIMIT_MAX", "HOOK_REQ_LOCALS", "HOOK_REQ_TAKE_GIL",
             "HOOK_REQ_TEST_FAULT", "HOOK_HELPER_VERSION", "HOOK_FLIGHT_ACTIVE",
             "HOOK_FLIGHT_GIL_TAKEN", "HOOK_FLIGHT_ERROR_SAVED", "HOOK_FLIGHT_GC_PAUSED",
             "HOOK_FORKED_CHILD_STATUS", "HOOK_FLIGHT_TRACING", "HOOK_REQ_RELEASE",
             "HOOK_REQ_EVAL", "HOOK_REQ_EXEC"):
    value = int(macros[name].rstrip("uU"), 0)
    assert getattr(abi, name) == value, (name, getattr(abi, name), value)
text = open(sys.argv[2]).read()
enum = re.search(r"enum hook_status \{(.*?)\};", text, re.S).group(1)
codes = re.findall(r"(HOOK_\w+) = (\d+)", enum)
assert [int(v) for _, v in codes] == list(range(len(codes))), codes
assert tuple(n for n, _ in codes) == abi.STATUS_NAMES, (codes, abi.STATUS_NAMES)
print("ok", len(codes), "status codes")
PY
    assert_success
    assert_output "ok 17 status codes"
}

@test "the struct layouts the gdb side unpacks have the sizes the C compiler gives them" {
    cat >"$BATS_TEST_TMPDIR/sizes.c" <<'C'
#include <stdio.h>
#include <stddef.h>
#include "hookhelper.h"
int main (void)
{
  printf ("%zu %zu %zu %zu\n", sizeof (struct hook_channel), sizeof (struct hook_request),
          offsetof (struct hook_channel, last_status), offsetof (struct hook_request, expr_len));
  return 0;
}
C
    cc -I"$ROOT/helper" -o "$BATS_TEST_TMPDIR/sizes" "$BATS_TEST_TMPDIR/sizes.c"
    run "$BATS_TEST_TMPDIR/sizes"
    assert_output "$(python3 -c 'import struct; c=struct.Struct("<IIQQQQQQiIII"); r=struct.Struct("<IIIIIIII"); print(c.size, r.size, struct.calcsize("<IIQQQQQQ"), struct.calcsize("<IIIIII"))')"
}
