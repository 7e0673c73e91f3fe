#!/usr/bin/env bash
# The README's main command: installs what torpor demo needs when missing (QEMU, a static busybox, xz), then runs
# it: a Debian kernel in a QEMU guest is hibernated by Torpor and resumed by torpor resume. Arguments go to
# torpor demo (try --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/host-packages.sh
ensure_packages qemu-system-x86_64:qemu-system-x86 busybox-static:busybox-static xz:xz-utils mkswap:util-linux \
  dpkg-deb:dpkg apt-lists
exec ./torpor demo "$@"
