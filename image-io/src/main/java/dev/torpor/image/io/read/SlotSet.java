package dev.torpor.image.io.read;

import java.util.HashMap;
import java.util.Map;

/**
 * A set of device page indexes, stored as a bitmap in chunks allocated on first use, so its memory is
 * proportional to the region an image really occupies (about one bit per page) rather than to the
 * (untrusted) size of the area.
 */
final class SlotSet {
    private static final int CHUNK_BITS = 1 << 18;
    private final Map<Long, long[]> chunks = new HashMap<>();

    /** Adds {@code slot}; returns false if it was already present. */
    boolean add(long slot) {
        long[] chunk = chunks.computeIfAbsent(slot / CHUNK_BITS, k -> new long[CHUNK_BITS / 64]);
        int bit = (int) (slot % CHUNK_BITS);
        long mask = 1L << (bit & 63);
        boolean absent = (chunk[bit >>> 6] & mask) == 0;
        chunk[bit >>> 6] |= mask;
        return absent;
    }

    /** How many slots the set holds. */
    int size() {
        long n = 0;
        for (long[] c : chunks.values()) {
            for (long w : c) {
                n += Long.bitCount(w);
            }
        }
        return Math.toIntExact(n);
    }

    /** The slots in ascending order. */
    long[] sorted() {
        long[] keys = chunks.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        long[] out = new long[size()];
        int i = 0;
        for (long k : keys) {
            long[] c = chunks.get(k);
            for (int w = 0; w < c.length; w++) {
                for (long bits = c[w]; bits != 0; bits &= bits - 1) {
                    out[i++] = k * CHUNK_BITS + w * 64L + Long.numberOfTrailingZeros(bits);
                }
            }
        }
        return out;
    }

    boolean contains(long slot) {
        long[] chunk = chunks.get(slot / CHUNK_BITS);
        if (chunk == null) {
            return false;
        }
        int bit = (int) (slot % CHUNK_BITS);
        return (chunk[bit >>> 6] & (1L << (bit & 63))) != 0;
    }
}
