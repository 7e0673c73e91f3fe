package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.ErrnoException;
import com.sun.jna.LastErrorException;

import java.nio.file.Path;

/**
 * Asynchronous writeback of a file's or a block device's page cache ({@code sync_file_range}), so a writer can start
 * the disk on what it has just written and carry on compressing, as the kernel's own image writer keeps its bios in
 * flight, while dirty memory stays bounded by waiting for older ranges. It makes data neither durable nor ordered:
 * an {@code fsync} still comes before anything that must survive a power cut (a signature).
 */
public final class Writeback implements AutoCloseable {
    private static final int WAIT_BEFORE = 1;
    private static final int WRITE = 2;
    private static final int WAIT_AFTER = 4;

    private final Path path;
    private final int fd;

    private Writeback(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** For the page cache of {@code path} (a descriptor of its own: the cache is the file's, whoever wrote it). */
    public static Writeback open(Path path) throws ErrnoException {
        return new Writeback(path, LibC.openReadOnly(LibC.Holder.INSTANCE, path));
    }

    /** Starts writing out the dirty pages of {@code [position, position+length)}; returns at once. */
    public void start(long position, long length) throws ErrnoException {
        call(position, length, WRITE);
    }

    /** Writes out {@code [position, position+length)} and waits until its pages are clean (reclaimable). */
    public void await(long position, long length) throws ErrnoException {
        call(position, length, WAIT_BEFORE | WRITE | WAIT_AFTER);
    }

    private void call(long position, long length, int flags) throws ErrnoException {
        if (length <= 0) {
            return;
        }
        try {
            DirectLibC.sync_file_range(fd, position, length, flags);
        } catch (LastErrorException e) {
            throw new ErrnoException("sync_file_range(" + path + ")", e.getErrorCode(), null);
        }
    }

    @Override
    public void close() {
        LibC.Holder.INSTANCE.close(fd);
    }
}
