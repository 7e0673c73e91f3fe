package dev.torpor.platform.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The per-page calls of the snapshot device through JNA's direct mapping, for LP64 kernels ({@code unsigned long}
 * and {@code size_t} are 64 bits): primitive arguments only (buffer addresses as longs), so a call allocates nothing on the
 * Java heap. While a hibernation image is stored the JVM's collector threads are frozen with every other process,
 * so the write path must not need a collection. Failures throw {@link LastErrorException} with errno.
 */
final class DirectLibC {
    static {
        Native.register(DirectLibC.class, NativeLibrary.getInstance("c"));
    }

    private DirectLibC() {
    }

    /** ioctl with a pointer argument. */
    static native int ioctl(int fd, long request, long argAddress) throws LastErrorException;

    static native long read(int fd, long bufAddress, long count) throws LastErrorException;

    static native long write(int fd, long bufAddress, long count) throws LastErrorException;

    /** readv with {@code iovcnt} {@code struct iovec}s at {@code iovAddress}. */
    static native long readv(int fd, long iovAddress, int iovcnt) throws LastErrorException;

    /** writev with {@code iovcnt} {@code struct iovec}s at {@code iovAddress}. */
    static native long writev(int fd, long iovAddress, int iovcnt) throws LastErrorException;

    /** {@code sync_file_range(fd, offset, nbytes, flags)}: writeback of a range, without the metadata. */
    static native int sync_file_range(int fd, long offset, long nbytes, int flags) throws LastErrorException;

    /**
     * The same calls reporting failure only by their result, errno kept for {@link Native#getLastError()}: no
     * exception is made, where a failing call is expected (a rehearsal on a node that refuses the ioctl).
     */
    static final class Quiet {
        static {
            Native.register(Quiet.class, NativeLibrary.getInstance("c"));
        }

        private Quiet() {
        }

        /** ioctl with a pointer argument; -1 on failure. */
        static native int ioctl(int fd, long request, long argAddress);
    }
}
