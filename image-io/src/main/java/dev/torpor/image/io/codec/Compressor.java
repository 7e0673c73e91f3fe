package dev.torpor.image.io.codec;

import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.lzo.LzoDecompressor;

import java.util.Locale;

/**
 * How the stream after the header page is stored. The kernel's LZO is raw LZO1X-1 (decoded by
 * {@code lzo1x_decompress_safe}); its LZ4 is a raw LZ4 block ({@code LZ4_decompress_safe}). Both are decoded
 * here by aircompressor's bounds-checked decompressors.
 */
public enum Compressor {
    /** Pages stored one per map entry ({@code SF_NOCOMPRESS_MODE}, and every kernel before 2.6.37). */
    NONE,
    /** LZO1X units (2.6.37+, the default). */
    LZO,
    /** LZ4 block units (6.9+, {@code SF_COMPRESSION_ALG_LZ4}). */
    LZ4;

    /** {@code none}, {@code lzo} or {@code lz4}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label as printed by {@link #label()}. */
    public static Compressor parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    /** aircompressor's bounds-checked decoder for one unit; not thread-safe. */
    public UnitDecoder decoder() {
        switch (this) {
            case LZO: {
                LzoDecompressor lzo = new LzoDecompressor();
                return lzo::decompress;
            }
            case LZ4: {
                Lz4Decompressor lz4 = new Lz4Decompressor();
                return lz4::decompress;
            }
            default:
                throw new IllegalStateException("uncompressed images have no unit decoder");
        }
    }

    /**
     * An encoder for one unit: for LZO the kernel's own LZO1X-1 ({@link Lzo1x1Compressor}, byte-identical
     * output); for LZ4 a raw LZ4 block (aircompressor) that the kernel's {@code LZ4_decompress_safe} reads.
     */
    public UnitEncoder encoder() {
        switch (this) {
            case LZO: {
                Lzo1x1Compressor lzo = new Lzo1x1Compressor();
                return lzo::compress;
            }
            case LZ4: {
                io.airlift.compress.lz4.Lz4Compressor lz4 = new io.airlift.compress.lz4.Lz4Compressor();
                return lz4::compress;
            }
            default:
                throw new IllegalStateException("uncompressed images have no unit encoder");
        }
    }

    /** Compresses one unit; returns the compressed length. Not thread-safe. */
    @FunctionalInterface
    public interface UnitEncoder {
        int compress(byte[] in, int inOff, int inLen, byte[] out, int outOff, int outCap);
    }

    /**
     * Decompresses one unit, untrusted; returns the uncompressed length. Malformed data throws an unchecked exception
     * and never reads or writes outside the ranges given.
     */
    @FunctionalInterface
    public interface UnitDecoder {
        int decompress(byte[] in, int inOff, int inLen, byte[] out, int outOff, int outCap);
    }

    /**
     * Decodes one unit between direct buffers and carries the kernel's {@code crc32_le} over its output in the same
     * call: a resume's per-unit work in one call to a platform's native coder. Untrusted input as for
     * {@link UnitDecoder}; positions and limits are ignored.
     */
    @FunctionalInterface
    public interface DirectUnitDecoder {
        /** Returns {@code (uncompressed length << 32) | crc32_le(crc, output)}. */
        long decompressWithCrc(java.nio.ByteBuffer in, int inOff, int inLen, java.nio.ByteBuffer out, int outOff,
                               int outCap, int crc);

        /**
         * Decodes {@code count} units, unit k from {@code in[offsets[k], offsets[k] + lengths[k])} into
         * {@code out[k·stride, (k+1)·stride)}, carrying the CRC32 over each output in turn, and stops at the first
         * unit that does not decode: a batch in one call (a native coder's loop). {@code lengths[k]} becomes unit k's
         * output length, or {@code -(1 + input offset)} for the unit that failed. Returns
         * {@code (units decoded << 32) | crc32_le(crc, their outputs)}.
         */
        default long decodeUnits(java.nio.ByteBuffer in, int[] offsets, int[] lengths, int count,
                                 java.nio.ByteBuffer out, int stride, int crc) {
            int sum = crc;
            for (int k = 0; k < count; k++) {
                long r;
                try {
                    r = decompressWithCrc(in, offsets[k], lengths[k], out, k * stride, stride, sum);
                } catch (RuntimeException e) {
                    lengths[k] = -1;
                    return ((long) k << 32) | Integer.toUnsignedLong(sum);
                }
                lengths[k] = (int) (r >>> 32);
                sum = (int) r;
            }
            return ((long) count << 32) | Integer.toUnsignedLong(sum);
        }

        /**
         * Walks the next units of a kernel image in a window of the area (its pages {@code first …
         * first + pages − 1}, page {@code first} at byte 0) along swap-map entries {@code slots[from, to)}: each
         * unit's length field ({@code wordSize} bytes) from its first page, in 1 … {@code maxCompressed}, its pages
         * consecutive slots inside the window, and with {@code lzoMarker} the LZO end-of-stream marker at its stated
         * length. Collected units go to {@code offsets[at …]} (where their bytes start in the window) and
         * {@code lengths[at …]}, up to {@code maxUnits} in all. {@code result} becomes {units in all, entries used,
         * why it stopped, detail}: {@value #ENOUGH} enough units; {@value #NEED_ENTRIES} the entries ran out (detail:
         * the pages the unit needs, 0 when even its first entry is missing); {@value #FIRST_OUTSIDE} the unit's first
         * page is outside the window; {@value #SCATTERED} its pages are not consecutive; {@value #LAST_OUTSIDE} its last
         * page is outside the window; {@value #BAD_LENGTH} its length is out of range; {@value #NO_END_MARKER} no end
         * marker. This default is the reference a native walk must equal; it reads nothing outside the window.
         */
        default void collectUnits(java.nio.ByteBuffer window, long first, int pages, int pageSize, long[] slots,
                                  int from, int to, int wordSize, boolean bigEndian, long maxCompressed,
                                  boolean lzoMarker, int at, int maxUnits, int[] offsets, int[] lengths,
                                  int[] result) {
            int count = at;
            int used = 0;
            int status = ENOUGH;
            int detail = 0;
            int n = to - from;
            while (count < maxUnits) {
                if (used >= n) {
                    status = NEED_ENTRIES;
                    break;
                }
                long unitFirst = slots[from + used];
                if (unitFirst < first || unitFirst >= first + pages) {
                    status = FIRST_OUTSIDE;
                    break;
                }
                int base = (int) (unitFirst - first) * pageSize;
                long cmp = 0;
                for (int i = 0; i < wordSize; i++) {
                    int b = window.get(base + (bigEndian ? i : wordSize - 1 - i)) & 0xff;
                    cmp = (cmp << 8) | b;
                }
                if (cmp == 0 || Long.compareUnsigned(cmp, maxCompressed) > 0) {
                    status = BAD_LENGTH;
                    break;
                }
                int unitPages = (int) ((cmp + wordSize + pageSize - 1) / pageSize);
                if (used + unitPages > n) {
                    status = NEED_ENTRIES;
                    detail = unitPages;
                    break;
                }
                boolean together = true;
                for (int i = 1; i < unitPages && together; i++) {
                    together = slots[from + used + i] == unitFirst + i;
                }
                if (!together) {
                    status = SCATTERED;
                    break;
                }
                if (unitFirst + unitPages > first + pages) {
                    status = LAST_OUTSIDE;
                    break;
                }
                int end = base + wordSize + (int) cmp;
                if (lzoMarker && (cmp < 3 || window.get(end - 3) != 0x11 || window.get(end - 2) != 0
                        || window.get(end - 1) != 0)) {
                    status = NO_END_MARKER;
                    break;
                }
                offsets[count] = base + wordSize;
                lengths[count] = (int) cmp;
                count++;
                used += unitPages;
            }
            result[0] = count;
            result[1] = used;
            result[2] = status;
            result[3] = detail;
        }

        /** Why {@link #collectUnits} stopped. */
        int ENOUGH = 0;
        int NEED_ENTRIES = 1;
        int FIRST_OUTSIDE = 2;
        int SCATTERED = 3;
        int LAST_OUTSIDE = 4;
        int BAD_LENGTH = 5;
        int NO_END_MARKER = 6;
    }
}
