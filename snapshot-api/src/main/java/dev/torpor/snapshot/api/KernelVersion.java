package dev.torpor.snapshot.api;

/** {@code LINUX_VERSION_CODE} helpers: {@code (a << 16) + (b << 8) + c}. */
public final class KernelVersion {
    private KernelVersion() {
    }

    /** The code of version {@code a.b.c}. */
    public static long code(int a, int b, int c) {
        return ((long) a << 16) + ((long) b << 8) + Math.min(c, 255);
    }

    /** {@code a.b.c} for a version code. */
    public static String format(long code) {
        return (code >> 16) + "." + ((code >> 8) & 0xFF) + "." + (code & 0xFF);
    }
}
