package dev.torpor.swap.format;

/**
 * Framing of compressed images (2.6.37+): the stream after the header page is cut into units of at
 * most {@value #UNC_PAGES} pages; each unit is stored as a native {@code size_t} length followed by the
 * compressed bytes (raw LZO1X or raw LZ4 block), padded to whole pages, each page taking one map entry.
 */
public final class CompressedUnits {

    /** Uncompressed pages per unit ({@code UNC_PAGES}). */
    public static final int UNC_PAGES = 32;

    private CompressedUnits() {
    }

    /** Uncompressed bytes per unit ({@code UNC_SIZE = 32 × P}). */
    public static int uncompressedSize(int pageSize) {
        return UNC_PAGES * pageSize;
    }

    /**
     * The largest compressed length a kernel accepts for {@code x} input bytes: {@code x + x/16 + 64 + 3 + 2}
     * (5.1+ and the 6.9+ crypto path; kernels 2.6.37–5.0 allowed 2 bytes less, so the newer bound accepts
     * every older image).
     */
    public static long worstCompressed(long x) {
        return x + x / 16 + 64 + 3 + 2;
    }

    /** Pages a unit may occupy at most ({@code CMP_PAGES}, 35 for every page size). */
    public static int maxUnitPages(int pageSize, int lengthFieldSize) {
        long bytes = worstCompressed(uncompressedSize(pageSize)) + lengthFieldSize;
        return (int) ((bytes + pageSize - 1) / pageSize);
    }

    /** Pages a unit with compressed length {@code cmpLen} occupies on disk. */
    public static int unitPages(long cmpLen, int pageSize, int lengthFieldSize) {
        return (int) ((cmpLen + lengthFieldSize + pageSize - 1) / pageSize);
    }
}
