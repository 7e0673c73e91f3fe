package dev.torpor.platform.linux;

import java.util.Objects;
import java.util.Optional;

/**
 * The kernel's {@code crc32_le} (seed carried, no inversion) in the JNI library, over arrays: sixteen bytes at a
 * time with tables, no CLMUL (which an emulated CPU computes bit by bit). The same code checksums each unit
 * {@link NativeLzo} decodes for a resume, in the decoder's call.
 */
public final class NativeCrc32 {
    private static final NativeCrc32 INSTANCE = new NativeCrc32();
    private static volatile int sink;

    private NativeCrc32() {
    }

    /** The checksum, where the JNI library loads here; empty otherwise ({@link NativeLzo#unavailabilityCause()}). */
    public static Optional<NativeCrc32> load() {
        return NativeLzo.unavailabilityCause().isEmpty() ? Optional.of(INSTANCE) : Optional.empty();
    }

    /** {@code crc32_le(crc, b[off, off+len))}, the array pinned for the call. */
    public int update(int crc, byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        return crc32LeArray0(b, off, len, crc);
    }

    /**
     * Whether this checksum runs faster here than the JDK's intrinsic, timed on {@code bytes} random bytes, the best of
     * five rounds each after one of warming: on hardware the intrinsic (CLMUL) wins; an emulated CPU computes CLMUL bit
     * by bit and runs the tables faster. Returns the two rates in MB/s, this one's first.
     */
    public double[] rates(int bytes) {
        byte[] b = new byte[bytes];
        new java.util.Random(1).nextBytes(b);
        java.util.zip.CRC32 jdk = new java.util.zip.CRC32();
        long bestJdk = Long.MAX_VALUE;
        long bestC = Long.MAX_VALUE;
        int sum = 0;
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            jdk.reset();
            jdk.update(b, 0, b.length);
            long t1 = System.nanoTime();
            sum += update(0, b, 0, b.length);
            long t2 = System.nanoTime();
            if (round > 0) {
                bestJdk = Math.min(bestJdk, t1 - t0);
                bestC = Math.min(bestC, t2 - t1);
            }
        }
        sink = sum + (int) jdk.getValue(); // kept, so that no round is optimised away
        return new double[] {bytes * 1e3 / Math.max(1, bestC), bytes * 1e3 / Math.max(1, bestJdk)};
    }

    private static native int crc32LeArray0(byte[] b, int off, int len, int crc);
}
