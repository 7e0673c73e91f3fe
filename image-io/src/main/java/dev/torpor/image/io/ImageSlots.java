package dev.torpor.image.io;

import java.util.Arrays;

/**
 * The device pages an image occupies: its swap-map pages and every page they list (the image header page, metadata
 * and data). They are free in the hibernated system by construction, since the kernel allocated them for the image
 * while that system was frozen; every other used page of the area may hold its swapped-out memory.
 */
public final class ImageSlots {
    private final long[] sorted;

    ImageSlots(SlotSet set) {
        this.sorted = set.sorted();
    }

    /** Whether {@code page} (a device page index) is one of the image's. */
    public boolean contains(long page) {
        return Arrays.binarySearch(sorted, page) >= 0;
    }

    /** How many pages the image occupies. */
    public int count() {
        return sorted.length;
    }

    /** The pages in ascending order. */
    public long[] toArray() {
        return sorted.clone();
    }
}
