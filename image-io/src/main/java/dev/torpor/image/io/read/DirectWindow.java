package dev.torpor.image.io.read;

import dev.torpor.image.io.ImageFormatException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;

/**
 * Reads a source through a second descriptor opened with {@code O_DIRECT} (by the caller: the flag is not in
 * {@code java.*}), a window of whole pages at a time: the disk
 * puts the pages straight into the window, with no page cache and no copy by the kernel, as the kernel's own resume
 * reads its image. Made for a stream read front to back (the units lie in consecutive slots); a page outside the window
 * moves the window to start at it.
 */
final class DirectWindow implements Closeable {
    /** The window's size: a few large reads instead of two small ones per unit. */
    static final int WINDOW_BYTES = 512 * 1024;

    private final FileChannel direct;
    private final long size;
    private final int pageSize;
    private final ByteBuffer window;
    private final int capacity;
    private long first = -1;
    private int pages;
    /** Nanoseconds the reads spent with this thread off the CPU: waiting for the disk. */
    private long waitNanos;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private DirectWindow(FileChannel direct, long size, int pageSize) {
        this.direct = direct;
        this.size = size;
        this.pageSize = pageSize;
        this.capacity = Math.max(1, WINDOW_BYTES / pageSize);
        this.window = ByteBuffer.allocateDirect((capacity + 1) * pageSize).alignedSlice(pageSize);
    }

    /**
     * A window over {@code direct} (a source of {@code size} bytes, -1 if unknown), or empty, with {@code direct}
     * closed, where its first read fails (some file systems take the flag and refuse the read).
     */
    static Optional<DirectWindow> open(FileChannel direct, long size, int pageSize) {
        DirectWindow w = new DirectWindow(direct, size, pageSize);
        try {
            w.move(0);
            return Optional.of(w);
        } catch (IOException | RuntimeException e) {
            w.close();
            return Optional.empty();
        }
    }

    /** Copies device page {@code index} into {@code dst[off, off + pageSize)}. */
    void copy(long index, byte[] dst, int off) throws IOException {
        if (index < first || index >= first + pages) {
            move(index);
        }
        window.get((int) (index - first) * pageSize, dst, off, pageSize);
    }

    /** Copies device page {@code index} into {@code dst[off, off + pageSize)} (its position ignored). */
    void copy(long index, ByteBuffer dst, int off) throws IOException {
        if (index < first || index >= first + pages) {
            move(index);
        }
        dst.put(off, window, (int) (index - first) * pageSize, pageSize);
    }

    /** Whether device page {@code index} is in the window now. */
    boolean holds(long index) {
        return index >= first && index < first + pages;
    }

    /** The window's first device page (-1 before the first read). */
    long first() {
        return first;
    }

    /** Pages in the window. */
    int pages() {
        return pages;
    }

    /** Where device page {@code index} starts in {@link #buffer()}; only for a page the window {@link #holds}. */
    int offsetOf(long index) {
        return (int) (index - first) * pageSize;
    }

    /** The window's pages, for absolute reads only (never changed by the caller). */
    ByteBuffer buffer() {
        return window;
    }

    /** Moves the window to start at device page {@code index}. */
    void moveTo(long index) throws IOException {
        move(index);
    }

    private void move(long index) throws IOException {
        long pos = index * pageSize;
        long want = capacity;
        if (size >= 0) {
            want = Math.min(want, (size - pos) / pageSize);
        }
        if (want <= 0) {
            throw new ImageFormatException(pos, "the source ends at byte " + Math.max(0, size)
                    + " (truncated image?)");
        }
        window.clear().limit((int) want * pageSize);
        long p = pos;
        long t0 = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        while (window.hasRemaining()) {
            int n = direct.read(window, p);
            if (n <= 0) {
                break;
            }
            p += n;
        }
        long took = System.nanoTime() - t0;
        waitNanos += Math.max(0, took - (THREADS.getCurrentThreadCpuTime() - cpu0));
        int got = (int) ((p - pos) / pageSize);
        if (got == 0) {
            first = -1;
            pages = 0;
            throw new ImageFormatException(pos, "the source ends at byte " + pos + " (truncated image?)");
        }
        first = index;
        pages = got;
    }

    /** Of the reads so far, the nanoseconds this thread was off the CPU (the disk's time, not the guest's work). */
    long waitNanos() {
        return waitNanos;
    }

    @Override
    public void close() {
        try {
            direct.close();
        } catch (IOException e) {
            // a read-only descriptor: nothing was written that a failed close could lose
        }
    }
}
