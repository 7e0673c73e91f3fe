package dev.torpor.image.io.read;

import dev.torpor.image.io.ImageFormatException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads a source through a second descriptor opened with {@code O_DIRECT} (by the caller: the flag is not in
 * {@code java.*}), a window of whole pages at a time: the disk puts the pages straight into the window, with no page
 * cache and no copy by the kernel, as the kernel's own resume reads its image. Made for a stream read front to back
 * (the units lie in consecutive slots): while the caller works on the window, a helper thread reads the pages after
 * it into a second buffer, as the kernel keeps its reads in flight, so the disk works while the CPU decodes. Moving to
 * a page inside the window, or just after it, carries the window's pages from there on over (a unit that straddles
 * the window's end stays whole); any other page moves the window to start at it, read there and then.
 */
final class DirectWindow implements Closeable {
    /** The window's size: a few large reads instead of two small ones per unit. */
    static final int WINDOW_BYTES = 512 * 1024;

    private final FileChannel direct;
    private final long size;
    private final int pageSize;
    private final int capacity;
    /** Pages before the read part of each buffer, for the pages carried over from the window before. */
    private final int reserve;
    private ByteBuffer current;
    private ByteBuffer other;
    /** Where page {@link #first} lies in {@link #current}. */
    private int base;
    private long first = -1;
    private int pages;
    /** The read of the pages after the window into {@link #other}, or null. */
    private Future<Integer> ahead;
    private ExecutorService reader;
    /** Nanoseconds the reads spent with this thread off the CPU: waiting for the disk. */
    private long waitNanos;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private DirectWindow(FileChannel direct, long size, int pageSize) {
        this.direct = direct;
        this.size = size;
        this.pageSize = pageSize;
        this.capacity = Math.max(1, WINDOW_BYTES / pageSize);
        this.reserve = capacity / 2;
        this.current = newBuffer();
        this.other = newBuffer();
    }

    private ByteBuffer newBuffer() {
        return ByteBuffer.allocateDirect((reserve + capacity + 1) * pageSize).alignedSlice(pageSize);
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
        if (!holds(index)) {
            move(index);
        }
        current.get(offsetOf(index), dst, off, pageSize);
    }

    /** Copies device page {@code index} into {@code dst[off, off + pageSize)} (its position ignored). */
    void copy(long index, ByteBuffer dst, int off) throws IOException {
        if (!holds(index)) {
            move(index);
        }
        dst.put(off, current, offsetOf(index), pageSize);
    }

    /** Whether device page {@code index} is in the window now. */
    boolean holds(long index) {
        return index >= first && index < first + pages;
    }

    /** Where device page {@code index} starts in {@link #buffer()}; only for a page the window {@link #holds}. */
    int offsetOf(long index) {
        return base + (int) (index - first) * pageSize;
    }

    /** The window's pages, for absolute reads only (never changed by the caller); another buffer after a move. */
    ByteBuffer buffer() {
        return current;
    }

    /** Moves the window to start at device page {@code index}. */
    void moveTo(long index) throws IOException {
        move(index);
    }

    private void move(long index) throws IOException {
        long end = first + pages;
        if (ahead != null && index >= first && index >= end - reserve && index <= end && first >= 0) {
            // on into the pages read ahead, the window's pages from index on carried over in front of them
            int got = await();
            int carried = (int) (end - index);
            if (got > 0) {
                other.put((reserve - carried) * pageSize, current, offsetOf(index), carried * pageSize);
                ByteBuffer was = current;
                current = other;
                other = was;
                base = (reserve - carried) * pageSize;
                first = index;
                pages = carried + got;
                readAhead();
                return;
            }
        } else if (ahead != null) {
            await(); // not wanted: the buffer is free again once the read is done
        }
        long pos = index * pageSize;
        int want = wanted(index);
        if (want <= 0) {
            throw new ImageFormatException(pos, "the source ends at byte " + Math.max(0, size)
                    + " (truncated image?)");
        }
        int got = read(current, reserve * pageSize, pos, want);
        if (got == 0) {
            first = -1;
            pages = 0;
            throw new ImageFormatException(pos, "the source ends at byte " + pos + " (truncated image?)");
        }
        base = reserve * pageSize;
        first = index;
        pages = got;
        readAhead();
    }

    /** Pages a read at {@code index} may ask for: a window's worth, no more than the source has. */
    private int wanted(long index) {
        long want = capacity;
        if (size >= 0) {
            want = Math.min(want, (size - index * pageSize) / pageSize);
        }
        return (int) Math.max(0, want);
    }

    /** Starts reading the pages after the window into {@link #other}, where the source has any. */
    private void readAhead() {
        long next = first + pages;
        int want = wanted(next);
        if (want <= 0 || pages < capacity) {
            return; // the source ends within the window
        }
        if (reader == null) {
            reader = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "torpor-read-ahead");
                t.setDaemon(true);
                return t;
            });
        }
        ByteBuffer into = other;
        ahead = reader.submit(() -> readQuietly(into, reserve * pageSize, next * pageSize, want));
    }

    /** Waits for the read ahead; the pages it got (0 if it failed: the caller reads them again and sees why). */
    private int await() throws IOException {
        Future<Integer> f = ahead;
        ahead = null;
        long t0 = System.nanoTime();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the window was read ahead");
        } catch (ExecutionException e) {
            return 0;
        } finally {
            waitNanos += System.nanoTime() - t0;
        }
    }

    private int readQuietly(ByteBuffer into, int at, long pos, int want) {
        try {
            return readPages(into, at, pos, want);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Reads {@code want} pages at byte {@code pos} into {@code into} at {@code at}, timing this thread's wait. */
    private int read(ByteBuffer into, int at, long pos, int want) throws IOException {
        long t0 = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        int got = readPages(into, at, pos, want);
        long took = System.nanoTime() - t0;
        waitNanos += Math.max(0, took - (THREADS.getCurrentThreadCpuTime() - cpu0));
        return got;
    }

    /** Reads up to {@code want} whole pages at byte {@code pos} into {@code into} at {@code at}; the pages read. */
    private int readPages(ByteBuffer into, int at, long pos, int want) throws IOException {
        ByteBuffer b = into.duplicate().limit(at + want * pageSize).position(at);
        long p = pos;
        while (b.hasRemaining()) {
            int n = direct.read(b, p);
            if (n <= 0) {
                break;
            }
            p += n;
        }
        return (int) ((p - pos) / pageSize);
    }

    /**
     * Of the reads so far, the nanoseconds this thread was off the CPU waiting for the disk, or waiting for the read
     * ahead (the disk's time, not the guest's work).
     */
    long waitNanos() {
        return waitNanos;
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.shutdownNow();
        }
        try {
            direct.close();
        } catch (IOException e) {
            // a read-only descriptor: nothing was written that a failed close could lose
        }
    }
}
