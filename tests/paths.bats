#!/usr/bin/env bats
# The two ways py-hook lists frames, through the helper and from memory,
# give the same text for the same frames: every sample, at every stop, the
# selected thread's frames and variables listed from memory, through the
# helper, and from memory again (tests/paths.py), then the program runs
# to its normal end.

load helper

# compare_paths SAMPLE MOST BREAK...: runs SAMPLE with breakpoints on the
# BREAK functions and compares the paths at its first MOST stops.
compare_paths() {
    local sample=$1 most=$2
    shift 2
    gdb_session "$(sample "$sample")" < <(
        echo "source $ROOT/tests/paths.py"
        printf 'break %s\n' "$@"
        echo "paths-run $most"
    )
    assert_success
    refute_traceback
    local stops
    stops=$(sed -n 's/^paths: \([0-9]*\) stops compared$/\1/p' <<<"$output")
    [ -n "$stops" ] && [ "$stops" -ge 1 ] || fail "no stop was compared"
    [ "$(grep -c '^paths: stop [0-9]*: same ([0-9]* lines)$' <<<"$output")" -eq "$stops" ] ||
        fail "the paths differ at some stop (see the diff above)"
    assert_line "paths: exit code 0"
}

# compare_samples MOST BREAK SAMPLE...: one gdb session runs each SAMPLE in
# turn with a breakpoint on BREAK and compares the paths at its first MOST
# stops (one gdb for all: starting gdb costs more than a sample's run).  A
# sample that execs goes last: gdb then runs the new program.
compare_samples() {
    local most=$1 where=$2
    shift 2
    gdb_session "$(sample "$1")" < <(
        echo "source $ROOT/tests/paths.py"
        local s
        for s in "$@"; do
            echo "set args $(printf '%q' "$(sample "$s")") >> $(printf '%q' "$PROG_OUT") 2>> $(printf '%q' "$PROG_ERR")"
            echo "break $where"
            echo "paths-run $most"
        done
    )
    assert_success
    refute_traceback
    [ "$(grep -c '^paths: [0-9]* stops compared$' <<<"$output")" -eq $# ] || fail "not every sample ran"
    ! grep -q '^paths: 0 stops compared$' <<<"$output" || fail "a sample had no stop compared"
    local stops
    stops=$(($(sed -n 's/^paths: \([0-9]*\) stops compared$/\1/p' <<<"$output" | paste -sd+)))
    [ "$(grep -c '^paths: stop [0-9]*: same ([0-9]* lines)$' <<<"$output")" -eq "$stops" ] ||
        fail "the paths differ at some stop (see the diff above)"
    [ "$(grep -c '^paths: exit code 0$' <<<"$output")" -eq $# ] || fail "a sample did not end normally"
}

@test "both paths give the same text: seed.py" {
    compare_paths seed.py 5 getppid
    assert_equal "$(program_output)" "$(printf '1\n2\n101')"
}

@test "both paths give the same text: values.py (every built-in type, long and cut values)" {
    compare_paths values.py 5 getppid
    assert_equal "$(program_output | tail -n 1)" "done"
}

@test "both paths give the same text: shapes.py (closures, cells, generators, methods, class bodies)" {
    compare_paths shapes.py 10 getppid getpgrp getpriority getsid
    assert_line --partial "paths: 5 stops compared"
}

@test "both paths give the same text: comprehension.py (inlined comprehensions in functions and modules)" {
    compare_paths comprehension.py 10 getppid
    assert_line "paths: 6 stops compared"
}

@test "both paths give the same text: names.py, threads.py, effects.py, lifetime.py, target.py" {
    compare_samples 5 getppid names.py threads.py effects.py lifetime.py target.py
}

@test "both paths give the same text: objects.py (classes, instances, enums, subclasses of built-ins, numpy)" {
    compare_paths objects.py 1 getppid
    assert_equal "$(program_output)" "objects done"
}

@test "both paths give the same text: waits.py (six threads; the helper lists the main thread)" {
    compare_paths waits.py 1 getppid
    assert_equal "$(program_output)" "waits done 5"
}

@test "both paths give the same text: zoo.py (objects of the standard library: dataclasses, datetime, re, io, locks, weakrefs, generators, exceptions, surrogates)" {
    compare_paths zoo.py 1 getppid
    assert_equal "$(program_output)" "zoo done 43"
}

@test "both paths give the same text: hygiene.py (ctypes classes, whose dicts subclass dict), interrupt.py, execer.py (across an exec)" {
    compare_paths hygiene.py 5 getppid getpgrp
    compare_samples 5 getppid interrupt.py execer.py
}

@test "both paths give the same text: wide.py (10,000 variables, 10,000-item containers)" {
    compare_paths wide.py 1 getppid
    assert_equal "$(program_output)" "wide done 10000"
}

@test "both paths give the same text: hostile.py (a 2,000,000-item dict, a 50 MB str, a 100,000-digit int, a 100,000-character attribute name, 100,000 nested lists)" {
    compare_paths hostile.py 1 getppid
    assert_equal "$(program_output)" "hostile done"
}

@test "both paths give the same text: tricky.py (surrogate, str-subclass and 5000-character names, classes named like numpy.ndarray or OrderedDict, a hash-colliding key, a locals() dict); the program's names and objects stay as they were" {
    compare_paths tricky.py 5 getppid
    local out
    out=$(program_output)
    [[ "$out" == *"locals as the program had them: [('x', 1), ('y', 'keep')]"* ]] ||
        fail "the locals() dict changed"
    [[ "$out" == *"__eq__ calls: []"* ]] || fail "the program's __eq__ ran"
    [[ "$(program_errors)" != *"a name of the program grew"* ]] || fail "a name grew a cached copy"
    refute_output --partial "SIGSEGV"
}

@test "both paths give the same text: deep.py (1000 frames)" {
    compare_paths deep.py 1 getppid
    assert_equal "$(program_output)" "deep done 1000"
}
