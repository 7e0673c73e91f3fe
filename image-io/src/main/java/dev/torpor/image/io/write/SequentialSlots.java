package dev.torpor.image.io.write;

import java.util.Set;

/**
 * Offline allocation over a swap area read from its header: pages 1 … last page in order, never the
 * header page, never a bad page. For a swap file the area is taken as contiguous on the device from its
 * resume offset (device page = resume offset + area page).
 */
public final class SequentialSlots implements SlotAllocator {
    private final long base;
    private final long lastPage;
    private final Set<Long> badPages;
    private long next = 1;

    public SequentialSlots(SwapArea area) {
        this.base = area.resumeOffset();
        this.lastPage = area.header().lastPage();
        this.badPages = area.badPages();
    }

    @Override
    public long allocate() throws NoSpaceException {
        while (next <= lastPage && badPages.contains(next)) {
            next++;
        }
        if (next > lastPage) {
            throw new NoSpaceException("the swap area is full: all " + lastPage + " pages are in use (ENOSPC)");
        }
        return base + next++;
    }

    /** Area pages handed out so far (including skipped bad pages). */
    public long used() {
        return next - 1;
    }
}
