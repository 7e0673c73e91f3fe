package dev.torpor.snapshot.api.device;

import java.io.IOException;

/**
 * A system call failed, on {@code /dev/snapshot} or elsewhere: which call, and its errno. The SDK's one errno
 * exception; {@link Errno} names the value.
 */
public class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final int errno;

    public ErrnoException(String operation, int errno, String detail) {
        super(operation + " failed with " + Errno.describe(errno)
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.operation = operation;
        this.errno = errno;
    }

    public ErrnoException(SnapshotIoctl ioctl, Errno errno, String detail) {
        this("SNAPSHOT_" + ioctl.name(), errno.value(), detail);
    }

    public ErrnoException(String operation, Errno errno, String detail) {
        this(operation, errno.value(), detail);
    }

    /**
     * The ioctl ({@code SNAPSHOT_FREEZE}, {@code ioctl(BLKGETSIZE64) on /dev/vda}, ...) or system call
     * ({@code open(...)}, {@code read}, {@code pwrite}, ...).
     */
    public String operation() {
        return operation;
    }

    /** The raw errno value. */
    public int errno() {
        return errno;
    }

    /** Whether the call failed with {@code e}. */
    public boolean is(Errno e) {
        return errno == e.value();
    }
}
