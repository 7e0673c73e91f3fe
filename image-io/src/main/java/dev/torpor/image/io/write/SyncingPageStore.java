package dev.torpor.image.io.write;

import java.io.IOException;
import java.nio.ByteBuffer;

/** See {@link PageStore#syncingEvery} and {@link PageStore#writingBackEvery}. */
final class SyncingPageStore implements PageStore {
    private final PageStore store;
    private final long bytes;
    private final Writeback writeback;
    private long pending;
    /** The byte range written since the last interval ended, and the one of the interval before (writeback only). */
    private long low = Long.MAX_VALUE;
    private long high;
    private long previousLow = Long.MAX_VALUE;
    private long previousHigh;

    SyncingPageStore(PageStore store, long bytes, Writeback writeback) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive");
        }
        this.store = store;
        this.bytes = bytes;
        this.writeback = writeback;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        int n = src.remaining();
        pending += n;
        store.write(src, position);
        low = Math.min(low, position);
        high = Math.max(high, position + n);
        if (pending < bytes) {
            return;
        }
        if (writeback == null) {
            force();
            return;
        }
        writeback.start(low, high - low);
        if (previousHigh > previousLow) {
            writeback.await(previousLow, previousHigh - previousLow);
        }
        previousLow = low;
        previousHigh = high;
        low = Long.MAX_VALUE;
        high = 0;
        pending = 0;
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        store.read(dst, position);
    }

    @Override
    public void force() throws IOException {
        store.force();
        pending = 0;
        low = previousLow = Long.MAX_VALUE;
        high = previousHigh = 0;
    }
}
