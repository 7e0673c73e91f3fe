package dev.torpor.image.io.write;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The swap-map bookkeeping of the kernel's {@code swap_write_page} and {@code flush_swap_writer}: a slot for
 * the first map page, one slot per stored page (recorded in the map), the next map slot allocated as soon as a
 * map page fills. Pages for consecutive slots are written together.
 */
final class MapWriter {
    final SwapArea area;
    final SlotAllocator slots;
    final int sectorSize;
    final int entries;
    final Meters meters;
    final ByteBuffer map;
    final long firstMap;
    long mapSlot;
    int k;
    long stored;
    long mapPages;
    long bytesOut;
    /** Nanoseconds spent in the area's writes (periodic syncs of a syncing store included). */
    long writeNanos;
    static final int RUN = 256;
    /**
     * Off-heap and page-aligned, so the channel writes it without copying it into a temporary direct buffer first, and
     * a store may hand it to the disk with O_DIRECT.
     */
    final ByteBuffer run;
    long runStart;
    int runPages;

    MapWriter(SwapArea area, SlotAllocator slots, int sectorSize, Meters meters) throws IOException {
        this.area = area;
        this.slots = slots;
        this.sectorSize = sectorSize;
        this.entries = area.pageSize() / sectorSize - 1;
        this.meters = meters;
        this.map = ByteBuffer.allocate(area.pageSize()).order(area.byteOrder().nio());
        this.run = ByteBuffer.allocateDirect((RUN + 1) * area.pageSize()).alignedSlice(area.pageSize());
        this.firstMap = this.mapSlot = slots.allocate();
}
    long firstMapPage() {
        return firstMap;
}
    void store(ByteBuffer page) throws IOException {
        long slot = slots.allocate();
        writePage(page, slot);
        put(k++, slot);
        stored++;
        if (k == entries) {
            long next = slots.allocate();
            put(entries, next);
            writePage(map.clear(), mapSlot);
            mapPages++;
            java.util.Arrays.fill(map.array(), (byte) 0);
            mapSlot = next;
            k = 0;
        }
}
    void finish() throws IOException {
        writePage(map.clear(), mapSlot);
        mapPages++;
        flush();
}
    /**
     * Queues a page for its slot; runs of consecutive slots (the usual case) go to the area in one write of
     * up to {@value #RUN} pages.
     */
    private void writePage(ByteBuffer page, long slot) throws IOException {
        if (runPages > 0 && (slot != runStart + runPages || runPages == RUN)) {
            flush();
        }
        if (runPages == 0) {
            runStart = slot;
        }
        run.put(runPages * area.pageSize(), page, page.position(), area.pageSize());
        runPages++;
}
    void flush() throws IOException {
        if (runPages == 0) {
            return;
        }
        int bytes = runPages * area.pageSize();
        long start = System.nanoTime();
        // the run buffer itself, limited to the run: nothing allocated per write
        area.store().write(run.limit(bytes).position(0), runStart * area.pageSize());
        run.clear();
        long took = System.nanoTime() - start;
        writeNanos += took;
        meters.latency.record(took, java.util.concurrent.TimeUnit.NANOSECONDS);
        bytesOut += bytes;
        meters.bytesOut.increment(bytes);
        runPages = 0;
}
    private void put(int i, long v) {
        if (sectorSize == 8) {
            map.putLong(i * 8, v);
        } else {
            map.putInt(i * 4, (int) v);
        }
    }
}
