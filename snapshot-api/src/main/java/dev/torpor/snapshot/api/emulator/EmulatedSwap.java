package dev.torpor.snapshot.api.emulator;

import java.util.BitSet;
import java.util.Set;

/**
 * An active swap area of the emulated machine: the device number and header page it is known by (what
 * {@code SET_SWAP_AREA} names), its size and bad pages. Slots are handed out lowest first; the device page of
 * slot {@code s} is {@code headerPage + s} (a swap partition, or a contiguous swap file).
 */
public final class EmulatedSwap {
    private final int dev;
    private final long headerPage;
    private final long lastPage;
    private final Set<Long> badPages;
    private final BitSet allocated = new BitSet();

    public EmulatedSwap(int dev, long headerPage, long lastPage, Set<Long> badPages) {
        if (lastPage < 1 || lastPage > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("last page must be 1.." + (Integer.MAX_VALUE - 1));
        }
        this.dev = dev;
        this.headerPage = headerPage;
        this.lastPage = lastPage;
        this.badPages = Set.copyOf(badPages);
    }

    public int dev() {
        return dev;
    }

    public long headerPage() {
        return headerPage;
    }

    /** Free slots ({@code count_swap_pages(swap, 1)}). */
    public long freePages() {
        return lastPage - badPages.size() - allocated.cardinality();
    }

    /** Allocates the lowest free slot; returns its device page, or -1 when full. */
    long allocate() {
        for (int s = allocated.nextClearBit(1); s <= lastPage; s = allocated.nextClearBit(s + 1)) {
            if (!badPages.contains((long) s)) {
                allocated.set(s);
                return headerPage + s;
            }
        }
        return -1;
    }

    boolean anyAllocated() {
        return !allocated.isEmpty();
    }

    void freeAll() {
        allocated.clear();
    }
}
