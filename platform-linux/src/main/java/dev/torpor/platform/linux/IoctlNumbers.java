package dev.torpor.platform.linux;

import java.util.Locale;

/**
 * {@code _IOC} request numbers of the running machine's ABI: the generic encoding (x86, arm, arm64,
 * riscv, s390, ...) or the one of powerpc, mips, sparc and alpha (13 size bits, 3 direction bits).
 */
final class IoctlNumbers {
    private IoctlNumbers() {
    }

    /** {@code _IOR(type, nr, size)} for the given {@code os.arch}. */
    static long ior(String osArch, int type, int nr, int size) {
        String a = osArch.toLowerCase(Locale.ROOT);
        boolean threeBitDir = a.startsWith("ppc") || a.startsWith("powerpc") || a.startsWith("mips")
                || a.startsWith("sparc") || a.startsWith("alpha");
        long dirRead = threeBitDir ? 2L << 29 : 2L << 30;
        return dirRead | ((long) size << 16) | ((long) type << 8) | nr;
    }

    /** {@code BLKGETSIZE64 = _IOR(0x12, 114, size_t)}, with an 8-byte {@code size_t} on 64-bit machines. */
    static long blkGetSize64(String osArch, int sizeOfSizeT) {
        return ior(osArch, 0x12, 114, sizeOfSizeT);
    }
}
