#!/bin/sh
# tests/debugdir.sh DIR [PACKAGE...]: makes DIR a gdb debug-file-directory
# holding the separate debug files of the PACKAGEs only (none: an empty
# one), so a gdb started with `-iex "set debug-file-directory DIR"` sees the
# programs as on a machine where just those -dbg packages are installed:
# without python3.11-dbg the interpreter has no debug information, without
# libc6-dbg glibc has none (and gdb starts 0.2 s sooner).  Run inside the
# sid root for its packages.  Prints nothing; exits non-zero on failure.
set -eu
dir=$1
shift
rm -rf "$dir"
mkdir -p "$dir/.build-id"
for package in "$@"; do
    files=$(dpkg -L "$package" 2>/dev/null | grep '^/usr/lib/debug/') ||
        { echo "debugdir: $package is not installed" >&2; exit 1; }
    for f in $files; do
        [ -f "$f" ] || continue
        rel=${f#/usr/lib/debug/}
        mkdir -p "$dir/$(dirname "$rel")"
        ln -sf "$f" "$dir/$rel"
    done
done
