package dev.torpor.image.io.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Set;

/**
 * Offline allocation that never takes a page that may hold a hibernated system's memory. Area pages are handed out in
 * order, never the header page nor a bad page, and never a page that holds data (swapped-out memory lives in such
 * pages), unless it is one of the pages of the image being replaced. Replacing uses only the replaced image's pages:
 * they are free in the hibernated system by construction. Only {@link #overwriting} takes every page, for an area
 * its user knows to be unused.
 *
 * <p>For a swap file the area is taken as contiguous on the device from its resume offset (device page = resume
 * offset + area page).
 */
public final class FreeSlots implements SlotAllocator {
    private static final int WINDOW = 256;

    private enum Policy { EMPTY_ONLY, REPLACE, OVERWRITE }

    private final Policy policy;
    private final PageStore store;
    private final int pageSize;
    private final long base;
    private final long lastPage;
    private final Set<Long> badPages;
    private final long[] replaced;
    private long next = 1;
    private int nextReplaced;
    private long skipped;
    private final ByteBuffer window;
    private long windowStart = -1;
    private int windowPages;

    private FreeSlots(Policy policy, SwapArea area, long[] replaced) {
        this.policy = policy;
        this.store = area.store();
        this.pageSize = area.pageSize();
        this.base = area.resumeOffset();
        this.lastPage = area.header().lastPage();
        this.badPages = area.badPages();
        this.replaced = replaced;
        this.window = policy == Policy.EMPTY_ONLY ? ByteBuffer.allocate(WINDOW * pageSize) : null;
    }

    /** Every empty (all-zero) page of {@code area}, in order: a freshly made area, or one whose data must stay. */
    public static FreeSlots emptyOnly(SwapArea area) {
        return new FreeSlots(Policy.EMPTY_ONLY, area, null);
    }

    /**
     * Only the device pages {@code replacedImage} of the image being replaced (from
     * {@code dev.torpor.image.io.ImageSlots}), in ascending order, within the area and not bad.
     */
    public static FreeSlots replacing(SwapArea area, long[] replacedImage) {
        long[] pages = Arrays.stream(replacedImage).filter(p -> p > area.resumeOffset()
                && p - area.resumeOffset() <= area.header().lastPage()
                && !area.badPages().contains(p - area.resumeOffset())).sorted().toArray();
        return new FreeSlots(Policy.REPLACE, area, pages);
    }

    /** Every page of {@code area}, whatever it holds: only for an area its user knows to be unused. */
    public static FreeSlots overwriting(SwapArea area) {
        return new FreeSlots(Policy.OVERWRITE, area, null);
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
            if (badPages.contains(page)) {
                continue;
            }
            if (policy == Policy.EMPTY_ONLY && !empty(page)) {
                skipped++;
                continue;
            }
            return base + page;
        }
        throw new NoSpaceException("the swap area is full: none of its " + lastPage + " pages is left"
                + (skipped > 0 ? " (" + skipped + " hold data and were left alone)" : "") + " (ENOSPC)");
    }

    /** Pages passed over because they hold data. */
    public long skipped() {
        return skipped;
    }

    /** Area pages handed out or passed over so far (including bad pages), for the plain policies. */
    public long used() {
        return policy == Policy.REPLACE ? nextReplaced : next - 1;
    }

    private boolean empty(long page) throws IOException {
        if (windowStart < 0 || page < windowStart || page >= windowStart + windowPages) {
            windowStart = page;
            windowPages = (int) Math.min(WINDOW, lastPage - page + 1);
            window.clear().limit(windowPages * pageSize);
            store.read(window, (base + page) * pageSize);
        }
        int from = (int) (page - windowStart) * pageSize;
        for (int i = from; i < from + pageSize; i += 8) {
            if (window.getLong(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
