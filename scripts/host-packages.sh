# Sourced by test.sh and demo.sh: installs the Debian packages behind missing host programs.
# ensure_packages CHECK:PACKAGE...  where CHECK is a program name, or "busybox-static" for a static /bin/busybox,
# or "apt-lists" for package lists that know linux-image-amd64 (the QEMU guests download a Debian kernel), or an
# absolute path of a file the package installs (a header, for the libraries the C test programs link).
ensure_packages() {
  local missing=() update=no item check pkg sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  for item in "$@"; do
    check="${item%%:*}"; pkg="${item#*:}"
    case "$check" in
      busybox-static) ldd /bin/busybox 2>&1 | grep -q 'not a dynamic' || missing+=("$pkg") ;;
      /*) [ -e "$check" ] || missing+=("$pkg") ;;
      apt-lists) apt-cache depends linux-image-amd64 2>/dev/null | grep -q 'Depends: linux-image-' || update=yes ;;
      *) command -v "$check" >/dev/null 2>&1 || [ -x "/usr/sbin/$check" ] || [ -x "/sbin/$check" ] \
           || missing+=("$pkg") ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ] || [ "$update" = yes ]; then
    $sudo_cmd apt-get update -qq
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$(basename "$0"): installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  export PATH="$PATH:/usr/sbin:/sbin"
}
