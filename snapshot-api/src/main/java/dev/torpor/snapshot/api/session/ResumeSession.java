package dev.torpor.snapshot.api.session;

import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.SnapshotException;

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

    public ResumeSession(SnapshotDevice device, int pageSize) {
        if (device.mode() != SnapshotDevice.Mode.RESTORE) {
            throw new IllegalArgumentException("a resume session needs the device opened write-only (O_WRONLY)");
        }
        this.device = device;
        this.pageSize = pageSize;
    }

    public State state() {
        return state;
    }

    /** Writes one whole page of the image. */
    public void writePage(ByteBuffer page) throws SnapshotException {
        if (state != State.WRITING) {
            throw new IllegalStateException("writePage is not allowed now: the session is " + state);
        }
        if (page.remaining() != pageSize) {
            throw new IllegalArgumentException("pages are " + pageSize + " bytes, not " + page.remaining());
        }
        ByteBuffer b = page.duplicate();
        while (b.hasRemaining()) {
            int n = device.write(b);
            if (n == 0) {
                throw new SnapshotException("write", 22, "the kernel took the image as complete after "
                        + pagesWritten + " pages; page " + pagesWritten + " is one too many");
            }
        }
        pagesWritten++;
    }

    /** After the last page: the extra boundary write that drains trailing zero pages; it must return 0. */
    public void finishWriting() throws SnapshotException {
        if (state != State.WRITING) {
            throw new IllegalStateException("finishWriting is not allowed now: the session is " + state);
        }
        int n = device.write(ByteBuffer.allocate(pageSize));
        if (n != 0) {
            throw new SnapshotException("write", 61, "the kernel still expects data after " + pagesWritten
                    + " pages: the image is incomplete");
        }
        state = State.COMPLETE;
    }

    public long pagesWritten() {
        return pagesWritten;
    }

    public void freeze() throws SnapshotException {
        if (state != State.COMPLETE) {
            throw new IllegalStateException("freeze before the whole image is written (finishWriting first)");
        }
        device.freeze();
        state = State.FROZEN;
    }

    /** ATOMIC_RESTORE: on success the system becomes the hibernated one and this call does not return there. */
    public void atomicRestore() throws SnapshotException {
        if (state != State.FROZEN) {
            throw new IllegalStateException("atomicRestore needs the image written and processes frozen");
        }
        device.atomicRestore();
    }

    @Override
    public void close() {
        device.close();
        state = State.CLOSED;
    }
}
