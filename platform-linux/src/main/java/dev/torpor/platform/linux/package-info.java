/**
 * Linux-specific helpers over JNA, the only place in Torpor that calls native code. Availability is
 * checked, not assumed: {@link dev.torpor.platform.linux.LinuxPlatform#isAvailable()} says whether the bindings
 * can be used on this machine, and callers fall back to pure-Java behaviour when they cannot.
 *
 * <p>What lives here: the {@code /dev/snapshot} device ({@link dev.torpor.platform.linux.LinuxSnapshotDevice}),
 * process- and system-wide calls ({@link dev.torpor.platform.linux.LinuxSystem}: locking memory, sync, reboot,
 * uname), block devices and FIEMAP, the facts of {@code /sys} and {@code /proc}
 * ({@link dev.torpor.platform.linux.LinuxFacts}, {@link dev.torpor.platform.linux.MemoryMap}) and the readiness
 * checks, and {@link dev.torpor.platform.linux.JvmQuiescence}, which brings this JVM's own threads to rest before
 * the kernel freezes them.
 */
package dev.torpor.platform.linux;
