package dev.torpor.snapshot.api.emulator;

import dev.torpor.snapshot.api.KernelVersion;
import dev.torpor.snapshot.api.TargetProfile;

/**
 * The behaviour of one kernel release that the emulator reproduces.
 *
 * @param versionCode       {@code LINUX_VERSION_CODE}
 * @param target            page size, word size, byte order, architecture
 * @param zeroPages         6.6+: zero pages are flagged in the metadata and not stored
 * @param partialWriteFix   5.16+ (and stable backports): a write that stops inside a page can be continued
 * @param trailingZeroDrain the 2026 fix (734eba62cd32): ATOMIC_RESTORE drains trailing zero pages itself
 * @param pageBoundaryIo    ≈2.6.36+: read and write are driven by page boundaries (before: byte counts)
 */
public record KernelProfile(long versionCode, TargetProfile target, boolean zeroPages, boolean partialWriteFix,
                            boolean trailingZeroDrain, boolean pageBoundaryIo) {

    /** A Linux release on x86_64, with the behaviour that release has. */
    public static KernelProfile linux(int major, int minor) {
        return linux(major, minor, 0);
    }

    /** A Linux release {@code a.b.c} on x86_64, with the behaviour that release has. */
    public static KernelProfile linux(int major, int minor, int sub) {
        long v = KernelVersion.code(major, minor, sub);
        return new KernelProfile(v, TargetProfile.X86_64, v >= KernelVersion.code(6, 6, 0),
                v >= KernelVersion.code(5, 16, 0), false, v >= KernelVersion.code(2, 6, 36));
    }

    /** The same release with the trailing-zero-page drain backported (as in 6.12-stable). */
    public KernelProfile withTrailingZeroDrain() {
        return new KernelProfile(versionCode, target, zeroPages, partialWriteFix, true, pageBoundaryIo);
    }

    public int pageSize() {
        return target.pageSize();
    }

    /** Whether the 2.6.17 request numbers are understood (until 3.5; the only ones before ≈2.6.25). */
    public boolean legacyIoctls() {
        return versionCode < KernelVersion.code(3, 6, 0);
    }

    /** Whether the current request numbers (14–20) exist (≈2.6.25 on). */
    public boolean currentIoctls() {
        return versionCode >= KernelVersion.code(2, 6, 25);
    }

    /** 2.6.16–2.6.18 store kernel virtual addresses in the metadata instead of PFNs. */
    public boolean virtualAddressMetadata() {
        return versionCode < KernelVersion.code(2, 6, 19);
    }

    /** x86_64 put its restore record in the header page from ≈2.6.26; before, the utsname was there. */
    public boolean archHeader() {
        return target.arch().equals("x86_64") && versionCode >= KernelVersion.code(2, 6, 26);
    }

    /** The direct-map offset of 2.6.1x x86_64 kernels (virtual address of PFN 0). */
    static final long X86_64_PAGE_OFFSET = 0xffff810000000000L;
}
