package dev.torpor.image.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * LZO1X-1 compression as the Linux kernel does it ({@code lib/lzo/lzo1x_compress.c}, bitstream version 0,
 * the 64-bit variant that finds match lengths eight bytes at a time): a 2^13-entry dictionary of 16-bit
 * positions, reset for every block of at most 48 KiB, the same skip heuristic and the same instruction choices.
 * For the same input it produces the same bytes as an x86_64 or arm64 kernel, so re-written images can match
 * kernel-written ones byte for byte. Not thread-safe: one instance per thread.
 */
public final class Lzo1x1Compressor {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int D_BITS = 13;
    private static final int D_SIZE = 1 << D_BITS;
    private static final int D_MASK = D_SIZE - 1;
    private static final int M2_MAX_LEN = 8;
    private static final int M2_MAX_OFFSET = 0x0800;
    private static final int M3_MAX_LEN = 33;
    private static final int M3_MAX_OFFSET = 0x4000;
    private static final int M4_MAX_LEN = 9;
    private static final int M4_MAX_OFFSET = 0xbfff;
    private static final int M3_MARKER = 32;
    private static final int M4_MARKER = 16;

    private final char[] dict = new char[D_SIZE];
    /** Where the last instruction's "state" bits go ({@code op[state_offset]}), as an absolute output index. */
    private int stateAt;
    private int op;

    /** The largest output for {@code len} input bytes ({@code lzo1x_worst_compress}). */
    public static int maxCompressedLength(int len) {
        return len + len / 16 + 64 + 3 + 2;
    }

    /**
     * Compresses {@code in[inOff, inOff+inLen)} into {@code out} from {@code outOff}; returns the compressed length.
     * {@code out} must have room for {@link #maxCompressedLength(int)} bytes.
     */
    public int compress(byte[] in, int inOff, int inLen, byte[] out, int outOff, int outCap) {
        if (outCap < maxCompressedLength(inLen)) {
            throw new IllegalArgumentException("output capacity " + outCap + " below the worst case "
                    + maxCompressedLength(inLen));
        }
        op = outOff;
        stateAt = -1;
        int dataStart = op;
        int ip = inOff;
        int l = inLen;
        int t = 0;
        while (l > 20) {
            int ll = Math.min(l, M4_MAX_OFFSET + 1);
            java.util.Arrays.fill(dict, (char) 0);
            t = doCompress(in, ip, ll, out, t);
            ip += ll;
            l -= ll;
        }
        t += l;
        if (t > 0) {
            int ii = inOff + inLen - t;
            if (op == dataStart && t <= 238) {
                out[op++] = (byte) (17 + t);
            } else if (t <= 3) {
                out[stateAt] |= (byte) t;
            } else {
                literalLength(out, t);
            }
            System.arraycopy(in, ii, out, op, t);
            op += t;
        }
        out[op++] = (byte) (M4_MARKER | 1);
        out[op++] = 0;
        out[op++] = 0;
        return op - outOff;
    }

    /** The length instruction of a literal run of {@code t > 3} bytes: {@code t − 3}, or 0, 255s and the rest. */
    private void literalLength(byte[] out, int t) {
        if (t <= 18) {
            out[op++] = (byte) (t - 3);
            return;
        }
        int tt = t - 18;
        out[op++] = 0;
        while (tt > 255) {
            tt -= 255;
            out[op++] = 0;
        }
        out[op++] = (byte) tt;
    }

    /**
     * Copies a literal run of at most 16 bytes, as the kernel's COPY8 does: whole words, overshooting into
     * output that later instructions overwrite (only when the output has room for the overshoot).
     */
    private void copyShort(byte[] buf, int from, byte[] out, int t) {
        if (op + 16 <= out.length && from + 16 <= buf.length) {
            LONG.set(out, op, (long) LONG.get(buf, from));
            LONG.set(out, op + 8, (long) LONG.get(buf, from + 8));
        } else {
            System.arraycopy(buf, from, out, op, t);
        }
        op += t;
    }

    /** {@code lzo1x_1_do_compress} over one block; returns the literals left pending at its end. */
    private int doCompress(byte[] buf, int in, int inLen, byte[] out, int ti) {
        final int inEnd = in + inLen;
        final int ipEnd = in + inLen - 20;
        int ip = in;
        int ii = ip;
        ip += ti < 4 ? 4 - ti : 0;
        // skip ahead faster the longer no match was found (the kernel's "literal:" step)
        ip += 1 + ((ip - ii) >> 5);
        for (;;) {
            int mPos;
            int dv;
            for (;;) {
                if (ip >= ipEnd) {
                    return inEnd - (ii - ti);
                }
                dv = (int) INT.get(buf, ip);
                int h = ((dv * 0x1824429d) >>> (32 - D_BITS)) & D_MASK;
                mPos = in + dict[h];
                dict[h] = (char) (ip - in);
                if (dv == (int) INT.get(buf, mPos)) {
                    break;
                }
                ip += 1 + ((ip - ii) >> 5);
            }
            ii -= ti;
            ti = 0;
            int t = ip - ii;
            if (t != 0) {
                if (t <= 3) {
                    out[stateAt] |= (byte) t;
                    copyShort(buf, ii, out, t);
                } else if (t <= 16) {
                    out[op++] = (byte) (t - 3);
                    copyShort(buf, ii, out, t);
                } else {
                    literalLength(out, t);
                    System.arraycopy(buf, ii, out, op, t);
                    op += t;
                }
            }
            int mLen = 4;
            long v = (long) LONG.get(buf, ip + mLen) ^ (long) LONG.get(buf, mPos + mLen);
            boolean done = false;
            if (v == 0) {
                do {
                    mLen += 8;
                    v = (long) LONG.get(buf, ip + mLen) ^ (long) LONG.get(buf, mPos + mLen);
                    if (ip + mLen >= ipEnd) {
                        done = true;
                        break;
                    }
                } while (v == 0);
            }
            if (!done) {
                mLen += Long.numberOfTrailingZeros(v) / 8;
            }
            int mOff = ip - mPos;
            ip += mLen;
            if (mLen <= M2_MAX_LEN && mOff <= M2_MAX_OFFSET) {
                mOff -= 1;
                out[op++] = (byte) (((mLen - 1) << 5) | ((mOff & 7) << 2));
                out[op++] = (byte) (mOff >>> 3);
            } else if (mOff <= M3_MAX_OFFSET) {
                mOff -= 1;
                if (mLen <= M3_MAX_LEN) {
                    out[op++] = (byte) (M3_MARKER | (mLen - 2));
                } else {
                    mLen -= M3_MAX_LEN;
                    out[op++] = (byte) M3_MARKER;
                    while (mLen > 255) {
                        mLen -= 255;
                        out[op++] = 0;
                    }
                    out[op++] = (byte) mLen;
                }
                out[op++] = (byte) (mOff << 2);
                out[op++] = (byte) (mOff >>> 6);
            } else {
                mOff -= 0x4000;
                if (mLen <= M4_MAX_LEN) {
                    out[op++] = (byte) (M4_MARKER | ((mOff >>> 11) & 8) | (mLen - 2));
                } else {
                    mLen -= M4_MAX_LEN;
                    out[op++] = (byte) (M4_MARKER | ((mOff >>> 11) & 8));
                    while (mLen > 255) {
                        mLen -= 255;
                        out[op++] = 0;
                    }
                    out[op++] = (byte) mLen;
                }
                out[op++] = (byte) (mOff << 2);
                out[op++] = (byte) (mOff >>> 6);
            }
            stateAt = op - 2;
            ii = ip;
        }
    }
}
