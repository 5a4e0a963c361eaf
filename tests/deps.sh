#!/bin/sh
# Makes sure what `make check` and `make demo` need is installed.  As root
# it installs missing Debian packages; otherwise it prints the apt-get line
# to run and fails.
set -u

missing=""
need() { # need PACKAGE TEST...
    pkg=$1
    shift
    "$@" >/dev/null 2>&1 || missing="$missing $pkg"
}

need gdb command -v gdb
need bats command -v bats
need bats-support test -f /usr/lib/bats/bats-support/load.bash
need bats-assert test -f /usr/lib/bats/bats-assert/load.bash
need python3.11 test -x /usr/bin/python3.11
# python3.11-dbg: debug symbols for /usr/bin/python3.11 and python3.11d.
need python3.11-dbg test -x /usr/bin/python3.11d
# libc6-dbg: glibc's internal names (_int_malloc...) for tests that stop
# inside the allocator; py-hook itself needs only glibc's exported names.
need libc6-dbg sh -c "dpkg-query -W -f='\${Status}' libc6-dbg 2>/dev/null | grep -q 'ok installed'"
need strace command -v strace
# tmux: py-hook-repl is tested as a user types at it (tests/repl.bats).
need tmux command -v tmux
need procps command -v pkill
need gcc command -v cc
need make command -v make
need binutils command -v nm
# python3-numpy: numpy arrays rendered from memory and by the helper.
need python3-numpy /usr/bin/python3.11 -c "import numpy"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null &&
        apt-get install -y -qq $missing >/dev/null ||
        { echo "deps: apt-get install$missing failed; run it by hand and read its error" >&2; exit 1; }
    exit 0
fi
echo "deps: missing$missing. Install them with:" >&2
echo "  sudo apt-get install$missing" >&2
exit 1
