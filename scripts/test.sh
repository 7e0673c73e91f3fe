#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# Tests use real tools from Debian: readelf (binutils) checks exported ELF cores, mkswap/losetup/fallocate
# (util-linux, mount) make real swap areas, loop devices and preallocated files, filefrag (e2fsprogs)
# cross-checks FIEMAP. They are installed here when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
command -v readelf >/dev/null 2>&1 || missing+=(binutils)
command -v mkswap >/dev/null 2>&1 || [ -x /usr/sbin/mkswap ] || [ -x /sbin/mkswap ] || missing+=(util-linux)
command -v losetup >/dev/null 2>&1 || [ -x /usr/sbin/losetup ] || [ -x /sbin/losetup ] || missing+=(mount)
command -v filefrag >/dev/null 2>&1 || [ -x /usr/sbin/filefrag ] || [ -x /sbin/filefrag ] || missing+=(e2fsprogs)
command -v fallocate >/dev/null 2>&1 || missing+=(util-linux)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin:/sbin"

./mvnw -B -ntp verify "$@"
