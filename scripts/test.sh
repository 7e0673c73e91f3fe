#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# Tests use real tools from Debian: readelf (binutils) checks exported ELF cores, mkswap/losetup/fallocate
# (util-linux, mount) make real swap areas, loop devices and preallocated files, mkfs.btrfs (btrfs-progs) a real btrfs, filefrag (e2fsprogs)
# cross-checks FIEMAP, qemu-system-x86 and busybox-static run real Debian kernels in guests (TCG), and gcc
# builds the library that reports the guest JVM's file opens and the device-floor C program (with liblzo2 and
# zlib). makedumpfile reads the kernel log out of exported ELF cores, and drgn (python3-drgn) and crash list the
# processes in them with the kernel's debug vmlinux (downloaded once into ~/.cache/torpor/dbg). The Debian package is checked with lintian, and
# installed in debootstrapped bookworm and trixie systems (debootstrap, sfdisk, mkfs.ext4 -d, unshare for the
# chroot's mounts; the trees and debootstrap's downloads are kept in ~/.cache/torpor/debian). torpor scan's
# whole-disk test partitions with sfdisk, makes an LVM2 volume group on a loop device (lvm2) and a LUKS2 header
# (cryptsetup-bin), and finds a swap file in ext4 where debugfs says it is.
# They are installed here when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

. scripts/host-packages.sh
ensure_packages readelf:binutils mkswap:util-linux losetup:mount filefrag:e2fsprogs fallocate:util-linux \
  qemu-system-x86_64:qemu-system-x86 xz:xz-utils busybox-static:busybox-static gcc:gcc \
  debootstrap:debootstrap lintian:lintian sfdisk:fdisk mkfs.ext4:e2fsprogs debugfs:e2fsprogs unshare:util-linux \
  strip:binutils dpkg-deb:dpkg mkfs.btrfs:btrfs-progs makedumpfile:makedumpfile crash:crash \
  /usr/lib/python3/dist-packages/drgn/__init__.py:python3-drgn \
  /usr/include/lzo/lzo1x.h:liblzo2-dev /usr/include/zlib.h:zlib1g-dev pvcreate:lvm2 cryptsetup:cryptsetup-bin \
  apt-lists

# two clean builds of the published artifacts give byte-identical jars (about a minute)
scripts/check-reproducible.sh
# every tier; install, so that the examples below build against exactly these artifacts
./mvnw -B -ntp install "$@"
# an integrator's view: examples/ imports torpor-bom, uses only public API, reads a real image and hibernates a
# QEMU guest through SafeHibernation (about 3 minutes)
./mvnw -B -ntp -f examples/pom.xml verify
