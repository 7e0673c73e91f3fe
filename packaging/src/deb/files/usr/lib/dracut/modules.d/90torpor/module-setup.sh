#!/bin/bash
# dracut module of the torpor package: torpor resume restores a hibernated system before the root file system is
# mounted, ahead of dracut's own resume (systemd-hibernate-resume in a systemd initramfs, the resume hook otherwise).

check() {
    [[ -x /usr/lib/torpor/runtime/bin/java ]] || return 1
    return 0
}

depends() {
    return 0
}

install() {
    local f ok=yes stamp="/var/lib/torpor/initramfs-${kernel:-unknown}"
    # the stamp says that this kernel's initramfs can run torpor resume; it is written again only if it can
    rm -f "$stamp"
    # the runtime, torpor.jar and JNA's native library; inst_binary also brings the system libraries they link to
    while IFS= read -r -d '' f; do
        case "$f" in
            *.so | */bin/*) inst_binary "$f" || ok=no ;;
            *) inst_simple "$f" || ok=no ;;
        esac
    done < <(find /usr/lib/torpor -type f -print0)
    # dracut-install follows the libraries of executable files only, and the runtime's .so files are not (0644)
    while IFS= read -r f; do
        case "$f" in
            /usr/lib/torpor/*) ;;
            *) inst "$f" || ok=no ;;
        esac
    done < <(find /usr/lib/torpor -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2> /dev/null \
        | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p' | sort -u)
    inst_simple /usr/bin/torpor || ok=no
    inst_multiple sed sleep dd || ok=no
    inst_simple /usr/share/torpor/jvm.options || ok=no
    inst_simple "$moddir/torpor-initrd-resume" /usr/lib/torpor/torpor-initrd-resume || ok=no
    if [[ -f /etc/torpor/torpor.conf ]]; then
        inst_simple /etc/torpor/torpor.conf
        f=$(sed -n 's/^[[:space:]]*key-file[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/torpor/torpor.conf)
        if [[ -n $f ]]; then
            if [[ -f $f ]]; then inst_simple "$f"; else dwarn "torpor: key-file = $f does not exist"; fi
        fi
    fi
    if dracut_module_included "systemd"; then
        # the passphrase of a public-key image is asked for through systemd's password agents
        inst_multiple -o systemd-ask-password
        inst_simple "$moddir/torpor-resume.service" "$systemdsystemunitdir/torpor-resume.service"
        mkdir -p "$initdir/$systemdsystemunitdir/initrd.target.wants"
        ln_r "$systemdsystemunitdir/torpor-resume.service" \
            "$systemdsystemunitdir/initrd.target.wants/torpor-resume.service"
    else
        # dracut's own resume hook is pre-mount 10
        inst_hook pre-mount 05 "$moddir/torpor-resume-hook.sh"
    fi
    if [[ $ok == yes ]]; then
        mkdir -p /var/lib/torpor
        echo "torpor resume is in the initramfs of ${kernel:-unknown}" > "$stamp"
    else
        dwarn "torpor: not everything torpor resume needs could be installed; systemctl hibernate keeps the" \
            "kernel's own path for ${kernel:-unknown}"
    fi
}
