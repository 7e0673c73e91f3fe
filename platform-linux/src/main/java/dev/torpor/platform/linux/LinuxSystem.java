package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.ErrnoException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import dev.torpor.snapshot.api.Utsname;

import java.nio.ByteBuffer;

/**
 * The process- and system-wide calls a hibernating process needs: locking itself in memory, flushing file
 * systems, powering off or rebooting, and the running kernel's {@code uname}. Each failure is a
 * {@link ErrnoException} naming the call and errno.
 */
public final class LinuxSystem {
    private final LibC libc;

    private LinuxSystem(LibC libc) {
        this.libc = libc;
    }

    /** The system calls of this machine; fails if Linux or JNA is not available. */
    public static LinuxSystem local() throws ErrnoException {
        if (!LinuxPlatform.isAvailable()) {
            throw new ErrnoException("libc", Errno.ENOSYS, LinuxPlatform.unavailabilityCause().map(Throwable::getMessage).orElse(""));
        }
        return new LinuxSystem(LibC.Holder.INSTANCE);
    }

    /** {@code mlockall(MCL_CURRENT | MCL_FUTURE)}: nothing of this process is swapped out from now on. */
    public void lockAllMemory() throws ErrnoException {
        check("mlockall", libc.mlockall(LibC.MCL_CURRENT | LibC.MCL_FUTURE));
    }

    /**
     * Locks this process in memory without faulting in what it never used: {@code mlockall(MCL_CURRENT | MCL_FUTURE |
     * MCL_ONFAULT)} locks every page present and every page as it is first touched; then every file-backed mapping
     * but those {@code faultLater} names is locked in full ({@code mlock}), so that no page of a program or library
     * has to be read from a file later. Anonymous memory faults in as zero pages, which needs no file. The Java
     * runtime's {@code lib/modules} image is the one file worth leaving out: it is only read to load classes, and
     * the whole image (15 MB in Torpor's guest runtime, 125 MB in a full JDK) would otherwise be resident.
     *
     * @return the file mappings that could not be locked in full ({@code mlock} refused them: a file shorter than its
     *     mapping, say); their pages are still locked as they are touched
     */
    public java.util.List<MemoryMap.Mapping> lockMemoryAsUsed(java.util.function.Predicate<MemoryMap.Mapping> faultLater)
            throws ErrnoException {
        check("mlockall", libc.mlockall(LibC.MCL_CURRENT | LibC.MCL_FUTURE | LibC.MCL_ONFAULT));
        java.util.List<MemoryMap.Mapping> refused = new java.util.ArrayList<>();
        java.util.List<MemoryMap.Mapping> maps;
        try {
            maps = MemoryMap.parse(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/maps")));
        } catch (java.io.IOException e) {
            throw new ErrnoException("read /proc/self/maps", Errno.EIO, e.getMessage());
        }
        for (MemoryMap.Mapping m : maps) {
            if (m.path().startsWith("/") && m.readable() && !faultLater.test(m)) {
                if (libc.mlock(new com.sun.jna.Pointer(m.start()), new com.sun.jna.NativeLong(m.bytes())) != 0) {
                    refused.add(m);
                }
            }
        }
        return refused;
    }

    /** {@code munlockall()}. */
    public void unlockAllMemory() throws ErrnoException {
        check("munlockall", libc.munlockall());
    }

    /**
     * Lets the kernel drop the clean cached pages of {@code file} (a block device: all of its page cache). Reading a
     * hibernation image through the page cache fills memory the kernel cannot take back for a restore, whose page
     * allocations may not reclaim.
     */
    public void dropCachedPages(java.nio.file.Path file) throws ErrnoException {
        int fd = LibC.openReadOnly(libc, file);
        try {
            int err = libc.posix_fadvise(fd, 0, 0, LibC.POSIX_FADV_DONTNEED);
            if (err != 0) {
                throw new ErrnoException("posix_fadvise(DONTNEED) on " + file, err, null);
            }
        } finally {
            libc.close(fd);
        }
    }

    /** {@code sync()}: writes every file system's dirty data. */
    public void syncFileSystems() {
        libc.sync();
    }

    /** {@code reboot(RB_POWER_OFF)}; returns only on failure. */
    public void powerOff() throws ErrnoException {
        check("reboot(RB_POWER_OFF)", libc.reboot(LibC.RB_POWER_OFF));
    }

    /**
     * Calls {@code reboot(2)} with a command no kernel knows, which fails with EINVAL (EPERM unprivileged) and does
     * nothing, so that the binding is ready before a hibernation. Returns the errno.
     */
    public int rehearseReboot() {
        int rc = libc.reboot(0x5EB0C0DE);
        return rc == 0 ? 0 : Native.getLastError();
    }

    /** {@code reboot(RB_AUTOBOOT)}; returns only on failure. */
    public void reboot() throws ErrnoException {
        check("reboot(RB_AUTOBOOT)", libc.reboot(LibC.RB_AUTOBOOT));
    }

    /** The running kernel's {@code uname}. */
    public Utsname uname() throws ErrnoException {
        byte[] buf = new byte[Utsname.SIZE];
        check("uname", libc.uname(buf));
        return Utsname.read(ByteBuffer.wrap(buf), 0);
    }

    /** {@code pread} of {@code length} bytes at {@code offset} of an open descriptor (for tests and tools). */
    byte[] pread(int fd, int length, long offset) throws ErrnoException {
        Memory m = new Memory(Math.max(1, length));
        long n = libc.pread(fd, m, new NativeLong(length), offset).longValue();
        if (n < 0) {
            int errno = Native.getLastError();
            throw new ErrnoException("pread", errno, null);
        }
        return m.getByteArray(0, (int) n);
    }

    /** {@code pwrite} of {@code data} at {@code offset}; returns the bytes written. */
    long pwrite(int fd, byte[] data, long offset) throws ErrnoException {
        Memory m = new Memory(Math.max(1, data.length));
        m.write(0, data, 0, data.length);
        long n = libc.pwrite(fd, m, new NativeLong(data.length), offset).longValue();
        if (n < 0) {
            int errno = Native.getLastError();
            throw new ErrnoException("pwrite", errno, null);
        }
        return n;
    }

    /** {@code fdatasync}. */
    void fdatasync(int fd) throws ErrnoException {
        check("fdatasync", libc.fdatasync(fd));
    }

    private static void check(String call, int rc) throws ErrnoException {
        if (rc != 0) {
            int errno = Native.getLastError();
            throw new ErrnoException(call, errno, null);
        }
    }
}
