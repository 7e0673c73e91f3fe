/**
 * Real Linux guests under QEMU for {@code torpor demo} and the project's proofs: a Debian kernel fetched with apt,
 * a busybox initramfs with Torpor's guest init (optionally with a jlink-made Java runtime and {@code torpor.jar}),
 * and a TCG boot whose console is collected. Everything here runs host programs (apt-get, dpkg-deb, jlink,
 * qemu-system-x86_64); nothing touches the host's own hibernation.
 */
package dev.torpor.guest;
