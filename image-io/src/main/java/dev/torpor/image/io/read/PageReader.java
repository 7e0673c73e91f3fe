package dev.torpor.image.io.read;

import dev.torpor.image.io.ImageFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional reads of device pages from the source. Stateless apart from the channel, so several
 * cursors can share one reader. Consecutive page indexes are read with one system call; a reader made
 * {@link #through(DirectWindow)} a direct window takes whole pages from the window instead.
 */
final class PageReader {
    private final FileChannel channel;
    private final long size;
    private final DirectWindow window;

    /**
     * @param channel the source
     * @param size    its size in bytes, or -1 when unknown (then reads past the end fail as truncation)
     */
    PageReader(FileChannel channel, long size) {
        this(channel, size, null);
    }

    private PageReader(FileChannel channel, long size, DirectWindow window) {
        this.channel = channel;
        this.size = size;
        this.window = window;
    }

    /** Nanoseconds the direct window's reads spent waiting for the disk (0 without a window). */
    long waitNanos() {
        return window == null ? 0 : window.waitNanos();
    }

    /** The direct window this reader takes whole pages from, or null. */
    DirectWindow window() {
        return window;
    }

    /** This reader, taking whole pages from {@code window} (byte-range reads stay on the channel). */
    PageReader through(DirectWindow window) {
        return new PageReader(channel, size, window);
    }

    /** Size of the source in bytes, or -1 if unknown. */
    long size() {
        return size;
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset}; fails if the source ends first. */
    void readFully(long offset, ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new ImageFormatException(pos, "the source ends at byte " + pos + " (truncated image?)");
            }
            pos += n;
        }
    }

    /** Reads device page {@code index} into {@code dst[off, off + pageSize)}. */
    void readPage(long index, int pageSize, byte[] dst, int off) throws IOException {
        readPage(index, pageSize, ByteBuffer.wrap(dst), off);
    }

    /** Reads device pages {@code indexes[0..count)} into consecutive page slots of {@code dst}. */
    void readPages(long[] indexes, int count, int pageSize, byte[] dst) throws IOException {
        readPages(indexes, count, pageSize, ByteBuffer.wrap(dst));
    }

    /** Reads device page {@code index} into {@code dst[off, off + pageSize)} (its position and limit ignored). */
    void readPage(long index, int pageSize, ByteBuffer dst, int off) throws IOException {
        if (window != null) {
            window.copy(index, dst, off);
            return;
        }
        readFully(index * pageSize, dst.duplicate().limit(off + pageSize).position(off));
    }

    /** Reads device pages {@code indexes[0..count)} into consecutive page slots of {@code dst} (position ignored). */
    void readPages(long[] indexes, int count, int pageSize, ByteBuffer dst) throws IOException {
        if (window != null) {
            for (int k = 0; k < count; k++) {
                window.copy(indexes[k], dst, k * pageSize);
            }
            return;
        }
        int i = 0;
        while (i < count) {
            int run = 1;
            while (i + run < count && indexes[i + run] == indexes[i] + run) {
                run++;
            }
            readFully(indexes[i] * pageSize, dst.duplicate().limit((i + run) * pageSize).position(i * pageSize));
            i += run;
        }
    }
}
