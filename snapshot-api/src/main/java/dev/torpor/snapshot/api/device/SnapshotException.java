package dev.torpor.snapshot.api.device;

import java.io.IOException;

/** A {@code /dev/snapshot} operation failed: which operation, and the errno. */
public class SnapshotException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String operation;
    private final int errno;

    public SnapshotException(String operation, int errno, String detail) {
        super(operation + " failed with " + Errno.of(errno).map(Enum::name).orElse("errno " + errno)
                + (detail == null || detail.isEmpty() ? "" : ": " + detail));
        this.operation = operation;
        this.errno = errno;
    }

    public SnapshotException(SnapshotIoctl ioctl, Errno errno, String detail) {
        this("SNAPSHOT_" + ioctl.name(), errno.value(), detail);
    }

    public SnapshotException(String operation, Errno errno, String detail) {
        this(operation, errno.value(), detail);
    }

    /** The ioctl ({@code SNAPSHOT_FREEZE}, ...) or system call ({@code open}, {@code read}, {@code write}). */
    public String operation() {
        return operation;
    }

    public int errno() {
        return errno;
    }

    public boolean is(Errno e) {
        return errno == e.value();
    }
}
