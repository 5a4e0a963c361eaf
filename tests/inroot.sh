#!/bin/sh
# tests/inroot.sh DIR COMMAND [ARG...]: runs COMMAND chrooted into DIR (a
# root made by tests/sidroot.sh) with this tree, /tmp and /dev bound at the
# same paths and a /proc of its own, so paths (the helper, samples, test
# directories) read the same inside and out.  The mounts live in a mount
# namespace of their own (unshare): they vanish when COMMAND ends, however
# it ends, and nothing outside ever sees them (rm -rf of DIR cannot reach
# this tree through a bind mount).
set -u
[ $# -ge 2 ] || { echo "usage: inroot.sh DIR COMMAND [ARG...]" >&2; exit 2; }
tree=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
exec unshare --mount --propagation private sh -c '
dir=$1 tree=$2
shift 2
mkdir -p "$dir$tree" "$dir/tmp" "$dir/dev" "$dir/proc" &&
    mount --bind "$tree" "$dir$tree" &&
    mount --bind /tmp "$dir/tmp" &&
    mount --rbind /dev "$dir/dev" &&
    mount -t proc proc "$dir/proc" || { echo "inroot: cannot mount into $dir (needs root)" >&2; exit 1; }
exec chroot "$dir" env -C "$tree" "$@"' inroot "$dir" "$tree" "$@"
