package dev.torpor.image.io.codec;

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
                op = literalLength(out, op, t);
            }
            System.arraycopy(in, ii, out, op, t);
            op += t;
        }
        out[op++] = (byte) (M4_MARKER | 1);
        out[op++] = 0;
        out[op++] = 0;
        return op - outOff;
    }

    /**
     * The length instruction of a literal run of {@code t > 3} bytes at {@code op}: {@code t − 3}, or 0, 255s and the
     * rest; returns the output position after it.
     */
    private static int literalLength(byte[] out, int op, int t) {
        if (t <= 18) {
            out[op++] = (byte) (t - 3);
            return op;
        }
        int tt = t - 18;
        out[op++] = 0;
        while (tt > 255) {
            tt -= 255;
            out[op++] = 0;
        }
        out[op++] = (byte) tt;
        return op;
    }

    /**
     * The length of a match whose bytes 0 to 11 are known to be equal, exactly as the kernel's 8-bytes-at-a-time
     * loop ends it: at the first differing byte, but never beyond the first step {@code 4 + 8k} (k ≥ 1) that
     * reaches {@code ipEnd}. The kernel checks the bound only after a step, so the result is
     * {@code min(first mismatch, 4 + 8·kcap)}; the comparison itself is the JDK's vectorised mismatch.
     */
    private static int longMatch(byte[] buf, int ip, int mPos, int ipEnd) {
        int kcap = Math.max(1, (ipEnd - ip - 4 + 7) >> 3);
        int cap = 4 + 8 * kcap;
        int r = java.util.Arrays.mismatch(buf, ip + 12, ip + cap, buf, mPos + 12, mPos + cap);
        return r < 0 ? cap : 12 + r;
    }

    /**
     * {@code lzo1x_1_do_compress} over one block; returns the literals left pending at its end. The output
     * position and the state index live in locals while the block runs and go back to the fields at its end.
     */
    private int doCompress(byte[] buf, int in, int inLen, byte[] out, int ti) {
        final char[] dict = this.dict;
        final int inEnd = in + inLen;
        final int ipEnd = in + inLen - 20;
        final boolean roomy = out.length >= 16;
        int op = this.op;
        int stateAt = this.stateAt;
        int ip = in;
        int ii = ip;
        ip += ti < 4 ? 4 - ti : 0;
        // skip ahead faster the longer no match was found (the kernel's "literal:" step)
        ip += 1 + ((ip - ii) >> 5);
        for (;;) {
            int mPos;
            for (;;) {
                if (ip >= ipEnd) {
                    this.op = op;
                    this.stateAt = stateAt;
                    return inEnd - (ii - ti);
                }
                int dv = (int) INT.get(buf, ip);
                int h = (dv * 0x1824429d) >>> (32 - D_BITS);
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
                if (t <= 16) {
                    if (t <= 3) {
                        out[stateAt] |= (byte) t;
                    } else {
                        out[op++] = (byte) (t - 3);
                    }
                    // the kernel's COPY8 twice: whole words, overshooting into output later instructions overwrite
                    if (roomy && op <= out.length - 16 && ii <= buf.length - 16) {
                        LONG.set(out, op, (long) LONG.get(buf, ii));
                        LONG.set(out, op + 8, (long) LONG.get(buf, ii + 8));
                    } else {
                        System.arraycopy(buf, ii, out, op, t);
                    }
                    op += t;
                } else {
                    op = literalLength(out, op, t);
                    System.arraycopy(buf, ii, out, op, t);
                    op += t;
                }
            }
            int mLen = 4;
            long v = (long) LONG.get(buf, ip + 4) ^ (long) LONG.get(buf, mPos + 4);
            if (v != 0) {
                mLen += Long.numberOfTrailingZeros(v) >>> 3;
            } else {
                mLen = longMatch(buf, ip, mPos, ipEnd);
            }
            int mOff = ip - mPos;
            ip += mLen;
            if (mLen <= M2_MAX_LEN && mOff <= M2_MAX_OFFSET) {
                mOff -= 1;
                out[op] = (byte) (((mLen - 1) << 5) | ((mOff & 7) << 2));
                out[op + 1] = (byte) (mOff >>> 3);
                op += 2;
            } else {
                int marker;
                if (mOff <= M3_MAX_OFFSET) {
                    mOff -= 1;
                    marker = M3_MARKER;
                    if (mLen <= M3_MAX_LEN) {
                        out[op++] = (byte) (marker | (mLen - 2));
                    } else {
                        op = longLength(out, op, marker, mLen - M3_MAX_LEN);
                    }
                } else {
                    mOff -= 0x4000;
                    marker = M4_MARKER | ((mOff >>> 11) & 8);
                    if (mLen <= M4_MAX_LEN) {
                        out[op++] = (byte) (marker | (mLen - 2));
                    } else {
                        op = longLength(out, op, marker, mLen - M4_MAX_LEN);
                    }
                }
                out[op] = (byte) (mOff << 2);
                out[op + 1] = (byte) (mOff >>> 6);
                op += 2;
            }
            stateAt = op - 2;
            ii = ip;
        }
    }

    /** A match length too long for the instruction byte: the marker, zero bytes for each 255, the rest. */
    private static int longLength(byte[] out, int op, int marker, int rest) {
        out[op++] = (byte) marker;
        while (rest > 255) {
            rest -= 255;
            out[op++] = 0;
        }
        out[op++] = (byte) rest;
        return op;
    }
}
