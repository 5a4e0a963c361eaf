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
    assert_output "$(python3 -c 'import struct; c=struct.Struct("<IIQQQQQQiIIIQQQ"); r=struct.Struct("<IIIIIIII"); print(c.size, r.size, struct.calcsize("<IIQQQQQQ"), struct.calcsize("<IIIIII"))')"
}

@test "every layout fact the helper asks for (HOOK_LAYOUT_FACTS) is one facts.py knows, with a value on every version that needs it" {
    cat >"$BATS_TEST_TMPDIR/names.c" <<'C'
#include <stdio.h>
#include <stddef.h>
#include "hookhelper.h"
static const char names[] = HOOK_LAYOUT_NAMES;
int main (void)
{
  printf ("count %d size %zu\n", HOOK_FACT_COUNT, sizeof (struct hook_layout));
  for (const char *p = names; *p; p += __builtin_strlen (p) + 1)
    printf ("name %s\n", p);
  return 0;
}
C
    cc -I"$ROOT/helper" -o "$BATS_TEST_TMPDIR/names" "$BATS_TEST_TMPDIR/names.c"
    "$BATS_TEST_TMPDIR/names" >"$BATS_TEST_TMPDIR/names.txt"
    run python3 - "$ROOT/gdb/pyhook/facts.py" "$BATS_TEST_TMPDIR/names.txt" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("facts", sys.argv[1])
facts = importlib.util.module_from_spec(spec)
spec.loader.exec_module(facts)
lines = open(sys.argv[2]).read().split("\n")
count, size = int(lines[0].split()[1]), int(lines[0].split()[3])
names = [l[5:] for l in lines if l.startswith("name ")]
assert len(names) == count and size == 8 + 8 * count, (len(names), count, size)
# Facts a version may lack; each is read by the helper only where it exists.
optional = {"object.managed_values", "tpflags.inline_values", "dictvalues.capacity",
            "dictvalues.size", "dictvalues.valid", "dictvalues.values",
            "frameobject.fast_as_locals"}
for v in facts.VERSIONS:
    class L(dict):
        pass
    table = L((n, (lambda r: type("O", (), {"offset": r[0], "bit": r[2] if len(r) > 2 else None})()
                   if isinstance(r, tuple) else r)(r)) for n, r in facts.TABLE[v].items())
    for name in names:
        value = facts.helper_value(table, name)
        assert value is not None, ("unknown fact", name)
        if value is facts.ABSENT:
            assert name in optional, ("3.%d lacks" % ((v >> 16) & 0xFF), name)
print("ok", len(names), "facts on", len(facts.VERSIONS), "versions")
PY
    assert_success
    assert_output --regexp '^ok [0-9]+ facts on 5 versions$'
}
