package dev.torpor.snapshot.api.device;

/**
 * How an architecture encodes {@code _IOC(dir, type, nr, size)} ({@code uapi/asm/ioctl.h}).
 */
public enum IoctlAbi {
    /** asm-generic: x86, arm, arm64, riscv, s390, loongarch, ...: 14 size bits, 2 direction bits, READ 2, WRITE 1. */
    GENERIC(14, 0, 2, 1),
    /** powerpc, mips, alpha, sparc: 13 size bits, 3 direction bits, NONE 1, READ 2, WRITE 4. */
    POWERPC(13, 1, 2, 4),
    /** parisc: 14 size bits, 2 direction bits, READ 1, WRITE 2. */
    PARISC(14, 0, 1, 2);

    private final int sizeBits;
    private final int none;
    private final int read;
    private final int write;

    IoctlAbi(int sizeBits, int none, int read, int write) {
        this.sizeBits = sizeBits;
        this.none = none;
        this.read = read;
        this.write = write;
    }

    /** The ABI of a kernel architecture name ({@code uname -m} style or Torpor's). */
    public static IoctlAbi of(String arch) {
        String a = arch.toLowerCase(java.util.Locale.ROOT);
        if (a.startsWith("ppc") || a.startsWith("powerpc") || a.startsWith("mips") || a.startsWith("alpha")
                || a.startsWith("sparc")) {
            return POWERPC;
        }
        return a.startsWith("parisc") || a.startsWith("hppa") ? PARISC : GENERIC;
    }

    /** {@code _IOC(dir, type, nr, size)}; the value fits in 32 bits and is returned unsigned. */
    public long encode(Direction dir, int type, int nr, int size) {
        if (size < 0 || size >= (1 << sizeBits)) {
            throw new IllegalArgumentException("ioctl argument size " + size + " does not fit " + sizeBits + " bits");
        }
        int d;
        switch (dir) {
            case NONE: d = none; break;
            case READ: d = read; break;
            default: d = write; break;
        }
        long dirShift = 16 + sizeBits;
        return ((long) d << dirShift | (long) size << 16 | (long) type << 8 | nr) & 0xFFFF_FFFFL;
    }

    /** The direction of an ioctl as its macro names it ({@code _IO}, {@code _IOR}, {@code _IOW}). */
    public enum Direction { NONE, READ, WRITE }
}
