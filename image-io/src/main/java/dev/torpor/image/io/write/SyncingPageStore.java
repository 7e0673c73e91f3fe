package dev.torpor.image.io.write;

import java.io.IOException;
import java.nio.ByteBuffer;

/** See {@link PageStore#syncingEvery}. */
final class SyncingPageStore implements PageStore {
    private final PageStore store;
    private final long bytes;
    private long pending;

    SyncingPageStore(PageStore store, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive");
        }
        this.store = store;
        this.bytes = bytes;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        pending += src.remaining();
        store.write(src, position);
        if (pending >= bytes) {
            store.force();
            pending = 0;
        }
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        store.read(dst, position);
    }

    @Override
    public void force() throws IOException {
        store.force();
        pending = 0;
    }
}
