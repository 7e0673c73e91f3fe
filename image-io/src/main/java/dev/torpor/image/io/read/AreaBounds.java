package dev.torpor.image.io.read;

/**
 * Which device page indexes an image may use: never the swap header page, never beyond the area or
 * the source.
 *
 * @param headerPage device page index of the swap header ({@code resume_offset})
 * @param maxPage    highest usable device page index
 * @param pageSize   page size, for byte offsets
 */
record AreaBounds(long headerPage, long maxPage, int pageSize) {

    /** Whether {@code page} may hold image data or a map page. */
    boolean usable(long page) {
        return page > 0 && page <= maxPage && page != headerPage;
    }

    /** Why {@code page} is not usable, for a problem message. */
    String whyNot(long page) {
        if (page == headerPage) {
            return "points at the swap header page " + page;
        }
        return "points at page " + Long.toUnsignedString(page) + ", outside the area (pages 1.." + maxPage + ")";
    }

    long byteOffset(long page) {
        return page * pageSize;
    }
}
