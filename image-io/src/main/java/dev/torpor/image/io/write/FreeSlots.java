package dev.torpor.image.io.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;

/**
 * Offline allocation that never takes a page that may hold a hibernated system's memory. Area pages are handed out in
 * order, never the header page nor a bad page. Replacing uses only the replaced image's pages: they are free in the
 * hibernated system by construction. {@link #emptyOnly} takes an area only if every page is empty: where some pages
 * hold data (swapped-out memory lives in such pages), the empty ones may be in use too, since kernels before 6.12
 * write a swapped-out page of zeros as zeros. Only {@link #overwriting} takes every page, for an area its user knows
 * to be unused.
 *
 * <p>For a swap file the area is taken as contiguous on the device from its resume offset (device page = resume
 * offset + area page).
 */
public final class FreeSlots implements SlotAllocator {
    private static final int WINDOW = 256;

    /** In order, every page but the header and bad ones (an empty area's, or one known unused); or the replaced. */
    private enum Policy { SEQUENTIAL, REPLACE }

    private final Policy policy;
    private final long base;
    private final long lastPage;
    private final Set<Long> badPages;
    private final long[] replaced;
    private long next = 1;
    private int nextReplaced;

    private FreeSlots(Policy policy, SwapArea area, long[] replaced) {
        this.policy = policy;
        this.base = area.resumeOffset();
        this.lastPage = area.header().lastPage();
        this.badPages = area.badPages();
        this.replaced = replaced;
    }

    /** Refused: a page of the area holds data, so its empty pages may hold a hibernated system's memory too. */
    public static final class AreaHoldsData extends IOException {
        private final long page;

        AreaHoldsData(long page, String message) {
            super(message);
            this.page = page;
        }

        /** The first area page found holding data. */
        public long page() {
            return page;
        }
    }

    /**
     * Every page of {@code area}, in order, once all of them are found empty (all zeros: a freshly made area); reads
     * the whole area first.
     *
     * @throws AreaHoldsData if a page holds data, before anything is written
     */
    public static FreeSlots emptyOnly(SwapArea area) throws IOException {
        long page = firstPageHoldingData(area);
        if (page > 0) {
            throw new AreaHoldsData(page, "area page " + page + " (byte " + (area.resumeOffset() + page)
                    * area.pageSize() + ") holds data: in a hibernated system's area that is its swapped-out memory, "
                    + "and its pages of zeros may be in use as well (kernels before 6.12 write swapped-out pages of "
                    + "zeros as zeros), so no page of it is taken. Replace the image in place instead (--replace), "
                    + "write into an empty swap area, or, for an area known to be unused, allow overwriting "
                    + "(--overwrite-used-pages)");
        }
        return new FreeSlots(Policy.SEQUENTIAL, area, null);
    }

    /**
     * Only the device pages {@code replacedImage} of the image being replaced (from
     * {@code dev.torpor.image.io.read.ImageSlots}), in ascending order, within the area and not bad.
     */
    public static FreeSlots replacing(SwapArea area, long[] replacedImage) {
        long[] pages = Arrays.stream(replacedImage).filter(p -> p > area.resumeOffset()
                && p - area.resumeOffset() <= area.header().lastPage()
                && !area.badPages().contains(p - area.resumeOffset())).sorted().toArray();
        return new FreeSlots(Policy.REPLACE, area, pages);
    }

    /** Every page of {@code area}, whatever it holds: only for an area its user knows to be unused. */
    public static FreeSlots overwriting(SwapArea area) {
        return new FreeSlots(Policy.SEQUENTIAL, area, null);
    }

    @Override
    public long allocate() throws IOException {
        if (policy == Policy.REPLACE) {
            if (nextReplaced >= replaced.length) {
                throw new NoSpaceException("the new image does not fit in the " + replaced.length + " pages of the "
                        + "image it replaces (the other used pages of the area may hold the hibernated system's "
                        + "swapped-out memory); store a smaller image, or write into an empty swap area");
            }
            return replaced[nextReplaced++];
        }
        while (next <= lastPage) {
            long page = next++;
            if (!badPages.isEmpty() && badPages.contains(page)) { // no boxing per page when none are bad
                continue;
            }
            return base + page;
        }
        throw new NoSpaceException("the swap area is full: none of its " + lastPage + " pages is left (ENOSPC)");
    }

    /** Area pages handed out or passed over so far (including bad pages), for the plain policies. */
    public long used() {
        return policy == Policy.REPLACE ? nextReplaced : next - 1;
    }

    /** The first area page (not the header, not bad) that holds a non-zero byte, or 0. */
    static long firstPageHoldingData(SwapArea area) throws IOException {
        int pageSize = area.pageSize();
        long last = area.header().lastPage();
        ByteBuffer window = ByteBuffer.allocate(WINDOW * pageSize);
        for (long start = 1; start <= last; start += WINDOW) {
            int pages = (int) Math.min(WINDOW, last - start + 1);
            window.clear().limit(pages * pageSize);
            area.store().read(window, (area.resumeOffset() + start) * pageSize);
            for (int p = 0; p < pages; p++) {
                if (area.badPages().contains(start + p)) {
                    continue;
                }
                for (int i = p * pageSize; i < (p + 1) * pageSize; i += 8) {
                    if (window.getLong(i) != 0) {
                        return start + p;
                    }
                }
            }
        }
        return 0;
    }
}
