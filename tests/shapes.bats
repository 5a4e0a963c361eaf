#!/usr/bin/env bats
# Cells, free variables, generator frames and methods (self): edits the running code sees.

load helper

shapes() { # shapes BREAK-SYMBOL COMMANDS...
    local symbol=$1
    shift
    gdb_session "$(sample shapes.py)" < <(printf '%s\n' "tbreak $symbol" run "$@" continue)
}

unedited=$'counter 11 12\ngenerator [0, 1, 2, 3, 4, 5]\naccount 12'

@test "a cell variable is listed as cell, and writing it reaches the closure that shares it" {
    shapes getpgrp py-hook-locals "py-hook-set count 50"
    assert_success
    refute_traceback
    assert_line "count = 10  (int, cell)"
    assert_line "count = 50  (int, cell)"
    assert_equal "$(program_output)" "${unedited/counter 11 12/counter 51 52}"
}

@test "a free variable is listed as free, and writing it changes the cell of the enclosing scope" {
    shapes getppid py-hook-locals "py-hook-set count 100"
    assert_success
    assert_line "step = 1  (int, arg)"
    assert_line "count = 10  (int, free)"
    assert_line "count = 100  (int, free)"
    # The first bump(1) returns 101; the second sees the shared cell at 101.
    assert_equal "$(program_output)" "${unedited/counter 11 12/counter 101 102}"
}

@test "an argument can be rewritten: step = 5 in bump()" {
    shapes getppid "py-hook-set step 5"
    assert_line "step = 5  (int, arg)"
    assert_equal "$(program_output)" "${unedited/counter 11 12/counter 15 16}"
}

@test "a generator's frame is listed and edited like any other; its later yields follow the edit" {
    shapes getsid py-hook-bt py-hook-locals "py-hook-set n 4"
    assert_success
    assert_line --regexp '^#0  .*/shapes.py:35 in numbers$'
    assert_line "n = 1  (int)"
    assert_line "n = 4  (int)"
    assert_equal "$(program_output)" "${unedited/"generator [0, 1, 2, 3, 4, 5]"/"generator [0, 4, 5]"}"
}

@test "self is listed as an argument of a method; editing through EXPR and an argument both land" {
    shapes getpriority py-hook-locals "py-hook-set amount self.balance * 100"
    assert_success
    assert_line "self = <Account balance=5>  (Account, arg)"
    assert_line "amount = 7  (int, arg)"
    assert_line "amount = 500  (int, arg)"
    assert_equal "$(program_output)" "${unedited/account 12/account 505}"
}

@test "self itself can be replaced: the method then updates the new object" {
    shapes getpriority "py-hook-set self Account(1000)" "py-hook-bt"
    assert_success
    assert_line "self = <Account balance=1000>  (Account, arg)"
    assert_line --regexp '^#0  .*/shapes.py:45 in Account.deposit$'
    assert_equal "$(program_output)" "${unedited/account 12/account 1007}"
}
