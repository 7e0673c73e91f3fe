#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# Tests use real tools from Debian: readelf (binutils) checks exported ELF cores, mkswap/losetup/fallocate
# (util-linux, mount) make real swap areas, loop devices and preallocated files, filefrag (e2fsprogs)
# cross-checks FIEMAP, qemu-system-x86 and busybox-static run real Debian kernels in guests (TCG).
# They are installed here when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
command -v readelf >/dev/null 2>&1 || missing+=(binutils)
command -v mkswap >/dev/null 2>&1 || [ -x /usr/sbin/mkswap ] || [ -x /sbin/mkswap ] || missing+=(util-linux)
command -v losetup >/dev/null 2>&1 || [ -x /usr/sbin/losetup ] || [ -x /sbin/losetup ] || missing+=(mount)
command -v filefrag >/dev/null 2>&1 || [ -x /usr/sbin/filefrag ] || [ -x /sbin/filefrag ] || missing+=(e2fsprogs)
command -v fallocate >/dev/null 2>&1 || missing+=(util-linux)
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || missing+=(busybox-static)
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
# the QEMU tests download a Debian kernel package: the package lists must be there
if [ ${#missing[@]} -gt 0 ] || ! apt-cache depends linux-image-amd64 2>/dev/null | grep -q 'Depends: linux-image-'; then
  $sudo_cmd apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"

./mvnw -B -ntp verify "$@"
