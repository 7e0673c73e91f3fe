package dev.torpor.image.io.read;

import dev.torpor.image.io.Problem;

import dev.torpor.image.io.ImageFormatException;

import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.swap.format.SwapMapPage;

import java.io.IOException;
import java.util.List;

/**
 * The swap-map chain of one image: a {@link #walk walk} that checks every link and entry once, and
 * {@link Cursor cursors} that hand out the stored pages' locations in order.
 */
final class MapChain {
    private final PageReader reader;
    private final int pageSize;
    private final int sectorSize;
    private final KernelByteOrder order;
    private final AreaBounds bounds;
    private final long firstMapPage;
    private SlotSet walked;

    MapChain(PageReader reader, int pageSize, int sectorSize, KernelByteOrder order, AreaBounds bounds,
             long firstMapPage) {
        this.reader = reader;
        this.pageSize = pageSize;
        this.sectorSize = sectorSize;
        this.order = order;
        this.bounds = bounds;
        this.firstMapPage = firstMapPage;
    }

    /**
     * Follows the chain once: every entry bounds-checked, every page used at most once, cycles found.
     * Problems are added to {@code problems}; the walk stops at the first broken link.
     */
    MapSummary walk(List<Problem> problems) throws IOException {
        SlotSet used = new SlotSet();
        walked = used;
        byte[] buf = new byte[pageSize];
        long mapPages = 0;
        long stored = 0;
        boolean ended = false;
        long current = firstMapPage;
        while (true) {
            used.add(current);
            reader.readPage(current, pageSize, buf, 0);
            mapPages++;
            SwapMapPage map = SwapMapPage.of(java.nio.ByteBuffer.wrap(buf), pageSize, sectorSize, order);
            long base = bounds.byteOffset(current);
            for (int i = 0; i < map.entryCount(); i++) {
                long e = map.entry(i);
                if (e == 0) {
                    ended = true;
                    continue;
                }
                long at = base + map.entryOffset(i);
                if (!bounds.usable(e)) {
                    problems.add(Problem.error(at, "swap-map entry " + i + " of map page " + current + " "
                            + bounds.whyNot(e)));
                } else if (!used.add(e)) {
                    problems.add(Problem.error(at, "swap-map entry " + i + " of map page " + current
                            + " repeats page " + e + ", already used by this image"));
                } else if (ended) {
                    problems.add(Problem.error(at, "swap-map entry " + i + " of map page " + current
                            + " follows the end of the data (an earlier entry is 0)"));
                }
                stored++;
            }
            long next = map.nextSwap();
            long nextAt = base + map.nextSwapOffset();
            if (next == 0) {
                return new MapSummary(mapPages, stored, true);
            }
            if (!bounds.usable(next)) {
                problems.add(Problem.error(nextAt, "next_swap of map page " + current + " " + bounds.whyNot(next)));
                return new MapSummary(mapPages, stored, false);
            }
            if (used.contains(next)) {
                problems.add(Problem.error(nextAt, "next_swap of map page " + current + " points back to page " + next
                        + ": the swap-map chain has a cycle"));
                return new MapSummary(mapPages, stored, false);
            }
            current = next;
        }
    }

    /** The pages the last {@link #walk walk} found in use (map pages and entries), or null before one. */
    SlotSet walked() {
        return walked;
    }

    /** A cursor over the chain's entries, visiting at most {@code mapPageLimit} map pages (from a walk). */
    Cursor cursor(long mapPageLimit) {
        return new Cursor(mapPageLimit);
    }

    /** Hands out the non-zero entries in order; ends at the first 0 entry or at the end of the chain. */
    final class Cursor {
        private final long mapPageLimit;
        private final byte[] buf = new byte[pageSize];
        private SwapMapPage map;
        private long mapPageIndex = -1;
        private long mapPagesRead;
        private int next;
        private boolean ended;
        private long lastEntryOffset;

        private Cursor(long mapPageLimit) {
            this.mapPageLimit = mapPageLimit;
        }

        /** The next stored page's device index, or 0 at the end of the data. */
        long next() throws IOException {
            if (ended) {
                return 0;
            }
            if (map == null || next == map.entryCount()) {
                long page = map == null ? firstMapPage : map.nextSwap();
                if (page == 0 || mapPagesRead >= mapPageLimit || !bounds.usable(page)) {
                    ended = true;
                    return 0;
                }
                reader.readPage(page, pageSize, buf, 0);
                map = SwapMapPage.of(java.nio.ByteBuffer.wrap(buf), pageSize, sectorSize, order);
                mapPageIndex = page;
                mapPagesRead++;
                next = 0;
            }
            long e = map.entry(next);
            lastEntryOffset = bounds.byteOffset(mapPageIndex) + map.entryOffset(next);
            next++;
            if (e == 0) {
                ended = true;
                return 0;
            }
            if (!bounds.usable(e)) {
                throw new ImageFormatException(lastEntryOffset, "swap-map entry " + bounds.whyNot(e));
            }
            return e;
        }

        /** Byte offset of the entry most recently returned (or of the 0 entry that ended the data). */
        long lastEntryOffset() {
            return lastEntryOffset;
        }

        /** Counts the non-zero entries left (used to report data beyond the end of the stream). */
        long remaining() throws IOException {
            long n = 0;
            while (next() != 0) {
                n++;
            }
            return n;
        }
    }
}
