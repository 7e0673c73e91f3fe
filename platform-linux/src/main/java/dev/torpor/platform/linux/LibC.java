package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.ErrnoException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.LongByReference;

/** The few libc functions Torpor binds, with fixed arities. */
interface LibC extends Library {
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;

    int open(String path, int flags);

    int close(int fd);

    int O_WRONLY = 1;

    int ioctl(int fd, long request, LongByReference arg);

    /** ioctl with a buffer argument (the kernel reads or writes it). */
    int ioctl(int fd, com.sun.jna.NativeLong request, com.sun.jna.Pointer arg);

    /** ioctl with an integer argument by value. */
    int ioctl(int fd, com.sun.jna.NativeLong request, com.sun.jna.NativeLong value);

    com.sun.jna.NativeLong read(int fd, com.sun.jna.Pointer buf, com.sun.jna.NativeLong count);

    com.sun.jna.NativeLong write(int fd, com.sun.jna.Pointer buf, com.sun.jna.NativeLong count);

    int fsync(int fd);

    int fdatasync(int fd);

    /** {@code POSIX_FADV_DONTNEED}: the clean cached pages of the range may go. */
    int POSIX_FADV_DONTNEED = 4;

    /** Returns the error number itself (not -1 and errno), as glibc's posix_fadvise does. */
    int posix_fadvise(int fd, long offset, long len, int advice);

    com.sun.jna.NativeLong pread(int fd, com.sun.jna.Pointer buf, com.sun.jna.NativeLong count, long offset);

    com.sun.jna.NativeLong pwrite(int fd, com.sun.jna.Pointer buf, com.sun.jna.NativeLong count, long offset);

    void sync();

    int MCL_CURRENT = 1;
    int MCL_FUTURE = 2;

    /** With {@link #MCL_CURRENT} / {@link #MCL_FUTURE}: lock pages as they are faulted in (Linux 4.4+). */
    int MCL_ONFAULT = 4;

    int mlockall(int flags);

    /** {@code mlock(addr, len)}: locks and faults in the pages of a range. */
    int mlock(com.sun.jna.Pointer addr, com.sun.jna.NativeLong len);

    int munlockall();

    /** {@code RB_POWER_OFF} for {@link #reboot(int)}. */
    int RB_POWER_OFF = 0x4321FEDC;
    /** {@code RB_AUTOBOOT} for {@link #reboot(int)}. */
    int RB_AUTOBOOT = 0x01234567;

    /** glibc's {@code reboot(howto)}: does not return on success. */
    int reboot(int howto);

    /** {@code uname(struct utsname *)}: six 65-byte fields on Linux. */
    int uname(byte[] buf);

    /** {@code open(path, O_RDONLY | O_CLOEXEC)}, failing with the path and errno. */
    static int openReadOnly(LibC libc, java.nio.file.Path path) throws ErrnoException {
        int fd = libc.open(path.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            int errno = Native.getLastError();
            throw new ErrnoException("open(" + path + ")", errno, null);
        }
        return fd;
    }

    /** Loaded on first use. */
    final class Holder {
        static final LibC INSTANCE = Native.load("c", LibC.class);

        private Holder() {
        }
    }
}
