#!/bin/sh
# tests/nodebug.sh DIR [PACKAGE...]: makes DIR a gdb debug-file-directory
# holding every separate debug file of this machine except those of the
# PACKAGEs (default python3.11-dbg), so a gdb started with
# `-iex "set debug-file-directory DIR"` sees the interpreter exactly as on a
# machine without its -dbg package installed (libc's debug symbols stay
# visible).  Run inside the sid root for its interpreters.  Prints nothing;
# exits non-zero on failure.
set -eu
dir=$1
shift
[ $# -gt 0 ] || set -- python3.11-dbg
rm -rf "$dir"
mkdir -p "$dir/.build-id"
owned=$(mktemp)
trap 'rm -f "$owned"' EXIT
for package in "$@"; do
    dpkg -L "$package" 2>/dev/null | grep '^/usr/lib/debug/' || true
done | sort >"$owned"
find /usr/lib/debug -type f | sort | comm -23 - "$owned" | while read -r f; do
    rel=${f#/usr/lib/debug/}
    mkdir -p "$dir/$(dirname "$rel")"
    ln -s "$f" "$dir/$rel"
done
