package dev.torpor.image.io.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional I/O on the device or file that holds a swap area; a seam for fault injection in tests. */
public interface PageStore {

    /** Writes all remaining bytes of {@code src} at {@code position}. */
    void write(ByteBuffer src, long position) throws IOException;

    /** Fills {@code dst} from {@code position}; fails at the end of the store. */
    void read(ByteBuffer dst, long position) throws IOException;

    /** Makes every write so far durable ({@code fsync}). */
    void force() throws IOException;

    /**
     * {@code store}, made durable every {@code bytes} bytes written: written pages of a device's page cache become
     * clean and reclaimable, which matters while a hibernation image's copy fills half the memory. The hibernator
     * and its rehearsal both write through this, so that the rehearsal compiles the very calls the real run makes.
     */
    static PageStore syncingEvery(PageStore store, long bytes) {
        return new SyncingPageStore(store, bytes, null);
    }

    /**
     * {@code store}, its writes handed to the disk every {@code bytes} bytes without waiting ({@code writeback}
     * starts them), and the interval before waited for, so the disk works while the writer goes on and at most two
     * intervals are dirty. {@link #force()} still makes everything durable.
     */
    static PageStore writingBackEvery(PageStore store, long bytes, Writeback writeback) {
        return new SyncingPageStore(store, bytes, java.util.Objects.requireNonNull(writeback, "writeback"));
    }

    /** Writeback of byte ranges of a store's page cache (Linux: {@code sync_file_range}); neither makes data durable. */
    interface Writeback {
        /** Starts writing the range out; returns at once. */
        void start(long position, long length) throws IOException;

        /** Writes the range out and waits until it is clean. */
        void await(long position, long length) throws IOException;
    }

    /** A store over a file channel. */
    static PageStore of(FileChannel ch) {
        return new PageStore() {
            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                long p = position;
                while (src.hasRemaining()) {
                    p += ch.write(src, p);
                }
            }

            @Override
            public void read(ByteBuffer dst, long position) throws IOException {
                long p = position;
                while (dst.hasRemaining()) {
                    int n = ch.read(dst, p);
                    if (n < 0) {
                        throw new java.io.EOFException("end of the swap area at byte " + p);
                    }
                    p += n;
                }
            }

            @Override
            public void force() throws IOException {
                ch.force(true);
            }
        };
    }
}
