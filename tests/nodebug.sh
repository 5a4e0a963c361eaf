#!/bin/sh
# tests/nodebug.sh DIR: makes DIR a gdb debug-file-directory holding every
# separate debug file of this machine except those of python3.11-dbg, so a
# gdb started with `-iex "set debug-file-directory DIR"` sees Debian's
# python3.11 exactly as on a machine without python3.11-dbg installed (libc's
# debug symbols stay visible).  Prints nothing; exits non-zero on failure.
set -eu
dir=$1
rm -rf "$dir"
mkdir -p "$dir/.build-id"
owned=$(mktemp)
trap 'rm -f "$owned"' EXIT
dpkg -L python3.11-dbg 2>/dev/null | grep '^/usr/lib/debug/' | sort >"$owned" || true
find /usr/lib/debug -type f | sort | comm -23 - "$owned" | while read -r f; do
    rel=${f#/usr/lib/debug/}
    mkdir -p "$dir/$(dirname "$rel")"
    ln -s "$f" "$dir/$rel"
done
