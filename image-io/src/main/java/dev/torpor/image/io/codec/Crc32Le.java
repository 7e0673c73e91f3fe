package dev.torpor.image.io.codec;

import java.util.zip.CRC32;

/**
 * The kernel's {@code crc32_le(seed, buf, len)} as hibernation uses it: the reflected CRC-32
 * (polynomial 0xEDB88320) with seed 0 and no initial or final inversion, chained over the
 * uncompressed stream.
 *
 * <p>It is computed with the JDK's intrinsic {@link CRC32} (standard CRC-32, which inverts before and
 * after) and converted at the end: the CRC register is linear, so {@code raw(0, D) = raw(~0, D) xor
 * raw(~0, zeros(len D))}, and the second term is {@code ~0} shifted through {@code 8·len} zero bits, which
 * is computed in logarithmic time by multiplication with {@code x^(8·len)} modulo the polynomial.
 */
public final class Crc32Le {
    private static final int POLY = 0xEDB88320;
    /** {@code X2N[k] = x^(2^k) mod P}, reflected. */
    private static final int[] X2N = new int[64];

    static {
        int p = 1 << 30; // x^1
        X2N[0] = p;
        for (int k = 1; k < 64; k++) {
            p = multModP(p, p);
            X2N[k] = p;
        }
    }

    /**
     * A platform's {@code crc32_le} over arrays, seed carried, where it is faster than the JDK's intrinsic here (an
     * emulated CPU runs table look-ups faster than the CLMUL the intrinsic uses, or the table loop it falls back to).
     */
    @FunctionalInterface
    public interface Carrier {
        int update(int crc, byte[] b, int off, int len);
    }

    private static volatile Carrier carrier;

    /** Makes {@code c} the checksum over arrays from now on, in every instance. */
    public static void install(Carrier c) {
        carrier = java.util.Objects.requireNonNull(c, "carrier");
    }

    /** Goes back to the JDK's intrinsic. */
    public static void uninstall() {
        carrier = null;
    }

    /** Whether a platform's checksum is installed. */
    public static boolean installed() {
        return carrier != null;
    }

    private final CRC32 standard = new CRC32();
    /** Bytes in {@link #standard}. */
    private long length;
    /** {@code crc32_le(0, …)} of the bytes before those in {@link #standard} (appended as checksums). */
    private long before;
    private long total;

    /** Adds bytes to the checksum. */
    public void update(byte[] b, int off, int len) {
        Carrier c = carrier;
        if (c != null) {
            carried(c.update(seed(), b, off, len), len);
            return;
        }
        standard.update(b, off, len);
        length += len;
        total += len;
    }

    /** Adds the remaining bytes of a buffer (position advances). */
    public void update(java.nio.ByteBuffer buffer) {
        length += buffer.remaining();
        total += buffer.remaining();
        standard.update(buffer);
    }

    /**
     * Adds {@code len} bytes by their own {@code crc32_le(0, …)} (computed elsewhere, on another thread, say), as if
     * they had been added with {@link #update}: the register is linear, so the checksum so far is shifted through
     * {@code 8·len} zero bits and the bytes' checksum added. Allocates nothing.
     */
    public void append(long crcOfBytes, long len) {
        long sofar = value();
        standard.reset();
        length = 0;
        before = combine(sofar, crcOfBytes, len);
        total += len;
    }

    /**
     * The checksum so far as the seed of {@code crc32_le(seed, …)}, for a caller that carries it over more bytes
     * itself and then hands the result to {@link #carried}.
     */
    public int seed() {
        return length == 0 ? (int) before : (int) value();
    }

    /** Takes {@code crc32_le(seed(), B)}, computed by the caller over {@code len} more bytes B, as the checksum so far. */
    public void carried(int crc, long len) {
        if (length != 0) {
            standard.reset();
            length = 0;
        }
        before = Integer.toUnsignedLong(crc);
        total += len;
    }

    /** Bytes added so far. */
    public long length() {
        return total;
    }

    /** {@code crc32_le(0, all bytes added)}. */
    public long value() {
        return combine(before, fromStandard(standard.getValue(), length), length);
    }

    /** {@code crc32_le(0, A ‖ B)} from {@code crc32_le(0, A)}, {@code crc32_le(0, B)} and the length of B. */
    public static long combine(long crcA, long crcB, long lengthB) {
        return Integer.toUnsignedLong(multModP(xPow8n(lengthB), (int) crcA) ^ (int) crcB);
    }

    /**
     * {@code crc32_le(0, D)} from the standard CRC-32 of D ({@link CRC32#getValue()}, which inverts before and after)
     * and its length.
     */
    public static long fromStandard(long standardValue, long length) {
        int rawFromOnes = ~(int) standardValue;
        int onesShifted = multModP(xPow8n(length), 0xFFFFFFFF);
        return Integer.toUnsignedLong(rawFromOnes ^ onesShifted);
    }

    /**
     * One-shot {@code crc32_le(0, b[off, off+len))} with a caller's {@code scratch} (reset first), so that nothing is
     * allocated: a hibernation's compression threads checksum every unit while the collector is frozen.
     */
    public static long of(byte[] b, int off, int len, CRC32 scratch) {
        Carrier c = carrier;
        if (c != null) {
            return Integer.toUnsignedLong(c.update(0, b, off, len));
        }
        scratch.reset();
        scratch.update(b, off, len);
        return fromStandard(scratch.getValue(), len);
    }

    /** One-shot {@code crc32_le(0, b[off, off+len))}. */
    public static long of(byte[] b, int off, int len) {
        Crc32Le c = new Crc32Le();
        c.update(b, off, len);
        return c.value();
    }

    /** Product of two polynomials modulo P (reflected bit order, as in zlib's crc32_combine). */
    private static int multModP(int a, int b) {
        int m = 1 << 31;
        int p = 0;
        for (;;) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    break;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
        }
        return p;
    }

    /** {@code x^(8·n) mod P}. */
    private static int xPow8n(long n) {
        int p = 1 << 31; // x^0
        int k = 3;
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multModP(X2N[k & 63], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }
}
