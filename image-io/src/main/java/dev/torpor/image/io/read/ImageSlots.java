package dev.torpor.image.io.read;

/**
 * The device pages an image occupies: its swap-map pages and every page they list (the image header page, metadata
 * and data). They are free in the hibernated system by construction, since the kernel allocated them for the image
 * while that system was frozen; every other used page of the area may hold its swapped-out memory.
 */
public final class ImageSlots {
    private final SlotSet set;
    private final int count;

    ImageSlots(SlotSet set) {
        this.set = set;
        this.count = set.size();
    }

    /** Whether {@code page} (a device page index) is one of the image's. */
    public boolean contains(long page) {
        return set.contains(page);
    }

    /** How many pages the image occupies. */
    public int count() {
        return count;
    }

    /** The pages in ascending order (8 bytes a page: for the writer of a replacement). */
    public long[] toArray() {
        return set.sorted();
    }
}
