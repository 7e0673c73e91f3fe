package dev.torpor.snapshot.api.session;

import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;

import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * Restoring through a device opened write-only: write the image page by page, freeze, atomic restore.
 * After the last page one more write at the page boundary is made, so kernels from 6.6 that flag zero pages
 * take in trailing zero pages before the restore (older kernels answer it with 0 as well).
 */
public final class ResumeSession implements Closeable {

    /** Where the session is. */
    public enum State { WRITING, COMPLETE, FROZEN, CLOSED }

    private final SnapshotDevice device;
    private final int pageSize;
    private State state = State.WRITING;
    private long pagesWritten;
    /**
     * Pages gathered for one {@code writev} (the kernel takes one page per iovec), allocated with the session: writing
     * an image allocates nothing per page.
     */
    private final ByteBuffer batch;

    public ResumeSession(SnapshotDevice device, int pageSize) {
        if (device.mode() != SnapshotDevice.Mode.RESTORE) {
            throw new IllegalArgumentException("a resume session needs the device opened write-only (O_WRONLY)");
        }
        this.device = device;
        this.pageSize = pageSize;
        this.batch = ByteBuffer.allocate(SuspendSession.BATCH_PAGES * pageSize);
    }

    public State state() {
        return state;
    }

    /** Takes one whole page of the image; pages go to the device in batches of {@value SuspendSession#BATCH_PAGES}. */
    public void writePage(ByteBuffer page) throws ErrnoException {
        if (state != State.WRITING) {
            throw new IllegalStateException("writePage is not allowed now: the session is " + state);
        }
        if (page.remaining() != pageSize) {
            throw new IllegalArgumentException("pages are " + pageSize + " bytes, not " + page.remaining());
        }
        batch.put(batch.position(), page, page.position(), pageSize);
        batch.position(batch.position() + pageSize);
        if (!batch.hasRemaining()) {
            flush();
        }
    }

    /**
     * Takes {@code pages} whole pages of the image from {@code src} at {@code offset}: the pages gathered so far go
     * first, then these straight from the array ({@link SnapshotDevice#writePagesFrom}), with no copy between.
     */
    public void writePages(byte[] src, int offset, int pages) throws ErrnoException {
        writePages(ByteBuffer.wrap(src), offset, pages);
    }

    /**
     * As {@link #writePages(byte[], int, int)}, from {@code src} (a heap or direct buffer; its position and limit are
     * ignored) at byte {@code offset}: a direct buffer goes to the device where it lies.
     */
    public void writePages(ByteBuffer src, int offset, int pages) throws ErrnoException {
        if (state != State.WRITING) {
            throw new IllegalStateException("writePages is not allowed now: the session is " + state);
        }
        if (pages < 0 || offset < 0 || (long) offset + (long) pages * pageSize > src.capacity()) {
            throw new IndexOutOfBoundsException(pages + " pages of " + pageSize + " from " + offset + " do not fit "
                    + src.capacity() + " bytes");
        }
        if (pages < 2) {
            for (int i = 0; i < pages; i++) {
                writePage(src.duplicate().limit(offset + (i + 1) * pageSize).position(offset + i * pageSize));
            }
            return;
        }
        flush();
        int done = 0;
        while (done < pages) {
            long n = device.writePagesFrom(src, offset + done * pageSize, pages - done, pageSize);
            if (n == 0) {
                throw oneTooMany(pagesWritten + done);
            }
            if (n % pageSize != 0) {
                throw new ErrnoException("write", 5, "the kernel took " + n + " bytes, not whole pages");
            }
            done += (int) (n / pageSize);
        }
        pagesWritten += pages;
    }

    /** Writes the pages gathered so far; the kernel must take every one of them. */
    private void flush() throws ErrnoException {
        batch.flip();
        while (batch.hasRemaining()) {
            long before = batch.position();
            long n = batch.remaining() >= 2 * pageSize ? device.writev(batch, pageSize) : device.write(batch);
            if (n == 0) {
                throw oneTooMany(pagesWritten + before / pageSize);
            }
        }
        pagesWritten += batch.limit() / pageSize;
        batch.clear();
    }

    /** The kernel answered 0 at {@code page}: it holds the whole image already (EINVAL). */
    private static ErrnoException oneTooMany(long page) {
        return new ErrnoException("write", 22, "the kernel took the image as complete after " + page + " pages; page "
                + page + " is one too many");
    }

    /** After the last page: the extra boundary write that drains trailing zero pages; it must return 0. */
    public void finishWriting() throws ErrnoException {
        if (state != State.WRITING) {
            throw new IllegalStateException("finishWriting is not allowed now: the session is " + state);
        }
        flush();
        int n = device.write(ByteBuffer.allocate(pageSize));
        if (n != 0) {
            throw new ErrnoException("write", 61, "the kernel still expects data after " + pagesWritten
                    + " pages: the image is incomplete");
        }
        state = State.COMPLETE;
    }

    /** Pages the device has taken (those still gathered for the next batch not counted). */
    public long pagesWritten() {
        return pagesWritten;
    }

    public void freeze() throws ErrnoException {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("freeze before the whole image is written (finishWriting first)");
        }
        device.freeze();
        state = State.FROZEN;
    }

    /** ATOMIC_RESTORE: on success the system becomes the hibernated one and this call does not return there. */
    public void atomicRestore() throws ErrnoException {
        if (state != State.FROZEN) {
            throw new IllegalStateException("atomicRestore needs the image written and processes frozen");
        }
        device.atomicRestore();
    }

    /** Whether {@link #freezeAndRestore()} runs nothing of this JVM between FREEZE and ATOMIC_RESTORE. */
    public boolean restoresAtOnce() {
        return device.freezesAndRestoresAtOnce();
    }

    /** FREEZE and ATOMIC_RESTORE (see {@link SnapshotDevice#freezeAndRestore()}), once the whole image is written. */
    public void freezeAndRestore() throws ErrnoException {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("freeze before the whole image is written (finishWriting first)");
        }
        device.freezeAndRestore();
    }

    @Override
    public void close() {
        device.close();
        state = State.CLOSED;
    }
}
