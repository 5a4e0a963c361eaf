#!/usr/bin/env bats
# What EXPR does stands, what py-hook does leaves no trace: the collector's state, tracing functions, object lifetimes, large replies, and NAME checked before EXPR runs.

load helper

@test "gc.disable() in EXPR survives the helper's own pause of the collector" {
    gdb_session "$(sample effects.py)" <<'EOF'
break getppid
run
py-hook-set a __import__("gc").disable() or 5
delete
continue
EOF
    refute_traceback
    assert_line "a = 5  (int)"
    assert_equal "$(program_output)" "$(printf 'a 5 b 2 gc False\nbody 1')"
}

@test "an assignment expression (:=) in EXPR is refused before anything runs, on every version" {
    gdb_session "$(sample effects.py)" <<'EOF'
break getppid
run
py-hook-set a (b := 5)
py-hook-set a [b := i for i in range(3)][0]
py-hook-set a (lambda: (c := 4))() + 1
delete
continue
EOF
    refute_traceback
    [ "$(grep -c "EXPR assigns b with ':=': assignment expressions are refused" <<<"$stderr")" -eq 2 ] ||
        fail "not both refused"
    assert_line "a = 5  (int)"
    assert_equal "$(program_output)" "$(printf 'a 5 b 2 gc True\nbody 1')"
}

@test "a class body whose namespace comes from __prepare__ is listed; NAME is refused there before EXPR runs" {
    gdb_session "$(sample effects.py)" <<'EOF'
break getppid
run
continue
py-hook-locals
py-hook-set inside __import__("sys").stdout.write("EXPR RAN\n") or 5
delete
continue
EOF
    refute_traceback
    assert_line "inside = 1  (int)"
    [[ "$stderr" == *"this body's namespace is not a plain dict (a metaclass made it)"* ]] || fail "not refused"
    [[ "$(program_output)" != *"EXPR RAN"* ]] || fail "EXPR ran before NAME was refused"
    assert_equal "$(program_output)" "$(printf 'a 1 b 2 gc True\nbody 1')"
}

@test "the program's sys.settrace and sys.setprofile functions never see py-hook's code" {
    gdb_session "$(sample effects.py)" --trace <<'EOF'
break getppid
run
py-hook-locals
py-hook-set a double(21)
py-hook-bt --full
delete
continue
EOF
    refute_traceback
    assert_line "a = 42  (int)"
    # "own seen True" shows the tracer ran, so the test can fail.
    assert_equal "$(program_output)" "$(printf 'a 42 b 2 gc True\npy-hook seen False own seen True\nbody 1')"
}

@test "reading locals extends no object's life: an object deleted after the stop is freed at once" {
    gdb_session "$(sample lifetime.py)" <<'EOF'
break getppid
run
py-hook-locals
py-hook-bt --full
py-hook-set a 7
delete
continue
EOF
    refute_traceback
    assert_line "thing = <Thing>  (Thing)"
    assert_equal "$(program_output)" "$(printf 'freed\na 7')"
}

@test "a listing of over 100 MB gives its memory back to the program at once" {
    gdb_session "$(sample deep.py)" <<'EOF'
break getppid
run
set py-hook value-limit unlimited
py-hook-exec --frame 1001 import sys; sys.modules["__main__"].__dict__.update({"big%d" % i: "x" * 10**6 for i in range(100)})
python import re; rss = lambda: int(re.search(r"VmRSS:\s+(\d+)", open("/proc/%d/status" % gdb.selected_inferior().pid).read()).group(1))
python before = rss()
pipe py-hook-bt --full | wc -c
python print("resident growth %d KiB" % (rss() - before))
delete
continue
EOF
    refute_traceback
    bytes=$(grep -E '^[0-9]+$' <<<"$output" | tail -n 1)
    [ "${bytes:-0}" -gt 100000000 ] || fail "the listing was not over 100 MB: $bytes"
    growth=$(sed -n 's/^resident growth \(-\{0,1\}[0-9]*\) KiB$/\1/p' <<<"$output")
    [ -n "$growth" ] || fail "no resident size"
    [ "$growth" -lt 32768 ] || fail "the program kept $growth KiB after the listing"
    assert_equal "$(program_output)" "deep done 1000"
}
