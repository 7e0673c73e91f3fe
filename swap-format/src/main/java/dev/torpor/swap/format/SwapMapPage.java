package dev.torpor.swap.format;

import dev.torpor.snapshot.api.KernelByteOrder;

import java.nio.ByteBuffer;

/**
 * One page of the swap-map chain ({@code struct swap_map_page}): {@code P/S − 1} entries, each the
 * device page index of a stored page (0 = unused), followed by {@code next_swap}, the index of the next
 * map page (0 = end of chain).
 */
public final class SwapMapPage {

    private final ByteBuffer page;
    private final int sectorSize;
    private final int entries;

    private SwapMapPage(ByteBuffer page, int pageSize, int sectorSize) {
        this.page = page;
        this.sectorSize = sectorSize;
        this.entries = entriesPerPage(pageSize, sectorSize);
    }

    /** A view of {@code page} (not copied) with the given geometry and byte order. */
    public static SwapMapPage of(ByteBuffer page, int pageSize, int sectorSize, KernelByteOrder order) {
        if (sectorSize != 4 && sectorSize != 8) {
            throw new IllegalArgumentException("sector_t is 4 or 8 bytes, not " + sectorSize);
        }
        return new SwapMapPage(page.duplicate().order(order.nio()), pageSize, sectorSize);
    }

    /** {@code MAP_PAGE_ENTRIES = P / S − 1}. */
    public static int entriesPerPage(int pageSize, int sectorSize) {
        return pageSize / sectorSize - 1;
    }

    /** Number of entry slots in the page. */
    public int entryCount() {
        return entries;
    }

    /** Entry {@code i} (unsigned). */
    public long entry(int i) {
        return read(i * sectorSize);
    }

    /** Byte offset of entry {@code i} within the page. */
    public int entryOffset(int i) {
        return i * sectorSize;
    }

    /** {@code next_swap}: the next map page, 0 at the end of the chain. */
    public long nextSwap() {
        return read(nextSwapOffset());
    }

    /** Byte offset of {@code next_swap} within the page. */
    public int nextSwapOffset() {
        return entries * sectorSize;
    }

    private long read(int offset) {
        return sectorSize == 8 ? page.getLong(offset) : Integer.toUnsignedLong(page.getInt(offset));
    }
}
