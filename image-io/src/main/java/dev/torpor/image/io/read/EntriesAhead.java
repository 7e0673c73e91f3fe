package dev.torpor.image.io.read;

import dev.torpor.image.io.ImageFormatException;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * Swap-map entries read ahead of the units that use them, so that a native walk takes a batch of units in one call.
 * A damaged entry ahead is kept, not thrown, until a unit needs it: damage past the units the stream needs stays what
 * the end of the stream reports, as when the entries are read one at a time.
 */
final class EntriesAhead {
    /** Entries read ahead at most: eight map pages of 4 KiB. */
    static final int CAPACITY = 4096;

    final long[] slots = new long[CAPACITY];
    /** The first unused entry, and the end of those read. */
    int slotPos;
    int slotCount;
    private boolean ended;
    private ImageFormatException deferred;

    /** Moves the unused entries to the front and reads more, up to {@link #CAPACITY}; whether any were added. */
    boolean refill(MapChain.Cursor entries) throws IOException {
        if (slotPos > 0) {
            System.arraycopy(slots, slotPos, slots, 0, slotCount - slotPos);
            slotCount -= slotPos;
            slotPos = 0;
        }
        int before = slotCount;
        while (slotCount < CAPACITY && !ended && deferred == null) {
            try {
                long e = entries.next();
                if (e == 0) {
                    ended = true;
                } else {
                    slots[slotCount++] = e;
                }
            } catch (ImageFormatException e) {
                deferred = e;
            }
        }
        return slotCount > before;
    }

    /** The damaged entry met reading ahead, or null. */
    ImageFormatException deferred() {
        return deferred;
    }

    /** Entries read and not used. */
    int unused() {
        return slotCount - slotPos;
    }

    /**
     * Why the unit at the next entry cannot have the {@code pages} entries it needs (0: not even its first): the damaged
     * entry met on the way, or the end of the map.
     */
    ImageFormatException missing(int pages, long unit, MapChain.Cursor entries, Supplier<ImageFormatException> endOfMap,
                                 int pageSize) {
        if (deferred != null) {
            return deferred;
        }
        if (pages == 0 || unused() == 0) {
            return endOfMap.get();
        }
        return new ImageFormatException(entries.lastEntryOffset(), "compressed unit " + unit + " at byte "
                + slots[slotPos] * pageSize + " needs " + pages + " pages but the swap map ends after " + unused());
    }
}
