#!/usr/bin/env bats
# No leaks: under Debian's debug interpreter python3.11d, 1000 snapshot+set cycles leave the total refcount and memory as they were.
#
# One gdb session, one stop: 100 warm-up cycles (first-use caches, the
# frame's f_locals dict), then _Py_RefTotal (what sys.gettotalrefcount()
# returns) and the target's VmRSS, 1000 cycles of `py-hook-bt --full` +
# `py-hook-set a N`, and both again.  Nothing else runs in the target in
# between, so any difference is py-hook's.

load ../helper

DEBUG_PY=/usr/bin/python3.11d

setup() {
    PROG_OUT="$BATS_TEST_TMPDIR/program.out"
    PROG_ERR="$BATS_TEST_TMPDIR/program.err"
    [ -x "$DEBUG_PY" ] || skip "$DEBUG_PY is missing (Debian package python3.11-dbg; make deps installs it as root)"
    PY=$DEBUG_PY
}

cycles_session() {
    cat >"$BATS_TEST_TMPDIR/cycles.py" <<'PY'
import gdb

def cycles(n):
    for i in range(n):
        gdb.execute("py-hook-bt --full", to_string=True)
        gdb.execute("py-hook-set a %d" % (i % 7), to_string=True)

def rss_kib():
    with open("/proc/%d/status" % gdb.selected_inferior().pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

cycles(100)
refs0, rss0 = int(gdb.parse_and_eval("_Py_RefTotal")), rss_kib()
cycles(1000)
refs1, rss1 = int(gdb.parse_and_eval("_Py_RefTotal")), rss_kib()
print("refs before %d after %d delta %d" % (refs0, refs1, refs1 - refs0))
print("rss before %d after %d delta %d KiB" % (rss0, rss1, rss1 - rss0))
PY
    gdb_session "$(sample seed.py)" <<EOF
break getppid
run
source $BATS_TEST_TMPDIR/cycles.py
continue
EOF
}

# assert_figure PREFIX LIMIT: the session printed "PREFIX before X after Y
# delta D ..." and |D| is at most LIMIT; the program ran to its normal end.
assert_figure() {
    refute_traceback
    line=$(grep "^$1 before" <<<"$output") || fail "no '$1' figures"
    echo "# $line" >&3
    delta=$(awk '{print $7}' <<<"$line")
    [ "${delta#-}" -le "$2" ] || fail "$1 changed by $delta: $line"
    # 999 % 7 == 5: the last edit is what the program prints.
    assert_equal "$(program_output)" "$(printf '5\n6\n101')"
}

@test "sys.gettotalrefcount() (_Py_RefTotal) after 1000 py-hook-bt --full + py-hook-set cycles differs by at most 2" {
    cycles_session
    assert_figure refs 2
}

@test "the target's resident memory does not grow over 1000 cycles (at most 64 KiB)" {
    cycles_session
    assert_figure rss 64
}
