#!/usr/bin/env bats
# How values are shown without running the program's code, the same
# through the helper and from memory: samples/objects.py holds one value
# of each kind in show(), and each test checks the line on both paths.

load helper

# objects_session COMMAND...: the commands at the stop in show(), each run
# through the helper and then again with --memory.  Read-only: tests that
# run the same commands share one session.
objects_session() {
    local c
    shared_session "$(sample objects.py)" < <(
        printf '%s\n' "break getppid" run
        for c in "$@"; do
            printf '%s\n' "$c" "$c --memory"
        done
        echo continue
    )
    refute_traceback
    assert_equal "$(program_output)" "objects done"
}

# both LINE: LINE appears once from each path.
both() {
    [ "$(grep -cxF -- "$1" <<<"$output")" -eq 2 ] || fail "not on both paths: $1"
}

@test "modules, functions, bound and built-in methods, classes by qualified name" {
    objects_session py-hook-locals
    both "module = <module 'os'>  (module)"
    both "function = <function show>  (function)"
    both "method = <bound method Point.norm>  (method)"
    both "builtin = <built-in function len>  (builtin_function_or_method)"
    both "bound_builtin = <built-in method append of list object>  (builtin_function_or_method)"
    both "cls = <class '__main__.Point'>  (type)"
    both "builtin_cls = <class 'int'>  (type)"
    both "stdlib_cls = <class 'collections.OrderedDict'>  (type)"
}

@test "instances of Python classes with their __dict__ and __slots__ attributes, nested ones too" {
    objects_session py-hook-locals
    both "point = <Point x=1, y=2>  (Point)"
    both "slotted = <Slotted a=3, b='four'>  (Slotted)"
    both "line = <Line start=<Point x=1, y=2>, end=<Point x=3, y=4>>  (Line)"
    # Three levels deep, an instance is shown by type and address.
    [ "$(grep -cE '^deep = \[\[\[<Point at 0x[0-9a-f]+>\]\]\]  \(list, len 1\)$' <<<"$output")" -eq 2 ] ||
        fail "the nesting limit does not hold on both paths"
}

@test "enum members, flags and IntEnum members as <Class.NAME: VALUE>" {
    objects_session py-hook-locals
    both "red = <Color.RED: 1>  (Color)"
    both "green = <Color.GREEN: 'green'>  (Color)"
    both "perm = <Perm.R|W: 6>  (Perm)"
    both "big = <Size.BIG: 3>  (Size)"
}

@test "subclasses of built-ins with their content: namedtuple fields, OrderedDict in its own order, defaultdict, list and int subclasses" {
    objects_session py-hook-locals
    both "pair = Pair(x=1, y='b')  (Pair)"
    # move_to_end('b') changed the OrderedDict's order, not the dict's.
    both "ordered = OrderedDict({'a': 2, 'c': 3, 'b': 1})  (OrderedDict)"
    both "default = defaultdict(<class 'list'>, {'k': [1]})  (defaultdict)"
    both "mylist = MyList([1, 2])  (MyList)"
    both "myint = MyInt(7)  (MyInt)"
}

@test "bytearray, range, recursive containers as [...] and {...}" {
    objects_session py-hook-locals
    both "blob = bytearray(b'ab\\x00c')  (bytearray, len 4)"
    both "span = range(2, 10, 3)  (range)"
    both "simple_range = range(0, 5)  (range)"
    both "recursive = [1, [...]]  (list, len 2)"
    both "rdict = {'k': 1, 'self': {...}}  (dict, len 2)"
}

@test "ints in decimal up to 4300 digits, beyond that leading hex digits and the bit count" {
    objects_session "set py-hook value-limit 0" py-hook-locals
    local d4300
    d4300="digits4300 = 1$(printf '0%.0s' $(seq 4299))  (int)"
    both "$d4300"
    [ "$(grep -cE '^digits4301 = 0x1392bd7c2a1aa84a[0-9a-f]+\.\.\. \(14285 bits\)  \(int\)$' <<<"$output")" -eq 2 ] ||
        fail "10**4300 is not shown as hex with its bit count on both paths"
}

@test "a value cut at value-limit inside an instance ends in ... on both paths" {
    objects_session "set py-hook value-limit 20" py-hook-locals
    both "line = <Line start=<Point x...  (Line)"
}

@test "numpy arrays as shape and dtype" {
    "$PY" -c "import numpy" 2>/dev/null || skip "numpy is not installed for $PY (Debian's python3-numpy serves /usr/bin/python3.11)"
    objects_session py-hook-locals
    both "arr = <ndarray shape=(3, 4) dtype=float64>  (ndarray)"
}

@test "the module frame's --full listing counts modules, functions, classes and dunders; --globals lists them" {
    objects_session "py-hook-bt --full" "py-hook-bt --full --globals"
    # The count is what --globals adds to the module frame's listing (the
    # dunders a module has, and numpy, differ by version and machine): the
    # module frame is listed four times (both paths, without and with
    # --globals), so with two lengths, and both counts are their difference.
    local lengths more
    lengths=$(awk '/ in <module>$/ { n = 0; m = 1; next } /^#/ { if (m) print n; m = 0 }
        m && /^    [A-Za-z_][A-Za-z_0-9]* = / { n++ } END { if (m) print n }' <<<"$output" |
        sort -n | uniq | tr '\n' ' ')
    set -- $lengths
    [ $# -eq 2 ] || fail "the module frame was listed with other lengths than two ($lengths)"
    more=$(sed -n 's/^    (\([0-9]*\) more: modules, functions, classes and __dunder__ names; --globals lists them)$/\1/p' <<<"$output" | tr '\n' ' ')
    assert_equal "$more" "$(($2 - $1)) $(($2 - $1)) "
    both "    Point = <class '__main__.Point'>  (type)"
    both "    Color = <class '__main__.Color'>  (EnumType)"
    both "    collections = <module 'collections'>  (module)"
    both "    __name__ = '__main__'  (str, len 8)"
    [ "$(grep -c "^    Point = " <<<"$output")" -eq 2 ] || fail "a class was listed without --globals"
}
