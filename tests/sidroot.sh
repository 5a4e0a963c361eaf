#!/bin/sh
# tests/sidroot.sh [DIR]: makes DIR (default $PYHOOK_SID_ROOT, else
# /var/cache/py-hook/sid) a Debian sid root holding CPython 3.14 and 3.15,
# their debug builds and symbols, and gdb 18, for the suite's runs on those
# interpreters (tests/run.sh runs bats inside it through tests/inroot.sh).
# Made once: a root whose stamp lists the same packages is kept.  Needs root
# and Debian's mirror; prints why on stderr and exits 1 when it cannot.
set -u
dir=${1:-${PYHOOK_SID_ROOT:-/var/cache/py-hook/sid}}
mirror=${PYHOOK_SID_MIRROR:-http://deb.debian.org/debian}
# What the suite runs there: the interpreters and gdb, and the commands the
# tests themselves use (bats, tmux for the REPL, strace, gcore from gdb,
# pgrep, nm), libc's debug symbols (tests that stop inside malloc), numpy.
packages="python3.14 python3.14-dbg python3.15 python3.15-dbg gdb procps bats bats-support
bats-assert tmux strace binutils libc6-dbg python3-numpy ca-certificates"
packages=$(echo $packages)
stamp="$dir/.py-hook-root"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$packages" ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "sidroot: making a Debian sid root needs root (debootstrap, mount, chroot); run make check as root" >&2
    exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1 ||
        ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null 2>&1; then
        echo "sidroot: debootstrap is missing and could not be installed: apt-get install debootstrap" >&2
        exit 1
    fi
fi
tmp="$dir.new"
log="$dir.log"
mkdir -p "$(dirname "$dir")"
rm -rf "$tmp"
echo "sidroot: making a Debian sid root in $dir (debootstrap, then apt-get; about two minutes)"
if ! debootstrap --variant=minbase sid "$tmp" "$mirror" >"$log" 2>&1; then
    echo "sidroot: debootstrap sid from $mirror failed (no network?); its log: $log" >&2
    tail -n 3 "$log" >&2
    rm -rf "$tmp"
    exit 1
fi
# The mirror's sid Release file is past its Valid-Until date, so apt must
# not check it (measured; see ../shared/PLATFORM.md).
if ! sh "$(dirname "$0")/inroot.sh" "$tmp" sh -c "
    apt-get -o Acquire::Check-Valid-Until=false update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages &&
    apt-get clean" >>"$log" 2>&1; then
    echo "sidroot: installing $packages in the sid root failed; its log: $log" >&2
    tail -n 3 "$log" >&2
    rm -rf "$tmp"
    exit 1
fi
rm -rf "$dir"
mv "$tmp" "$dir"
echo "$packages" >"$stamp"
echo "sidroot: ready: $(chroot "$dir" gdb --version | head -n 1); $(chroot "$dir" python3.14 -V); $(chroot "$dir" python3.15 -V)"
