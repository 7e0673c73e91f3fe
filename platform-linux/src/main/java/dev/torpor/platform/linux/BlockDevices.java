package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.IoctlAbi;
import dev.torpor.snapshot.api.device.ErrnoException;
import com.sun.jna.Native;
import com.sun.jna.ptr.LongByReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Block device facts. A block device's size is not visible through Java's file APIs (they report 0). */
public final class BlockDevices {
    private BlockDevices() {
    }

    /** Whether {@code path} is a block device ({@code S_IFBLK}). */
    public static boolean isBlockDevice(Path path) throws IOException {
        if (!Files.exists(path) || Files.isRegularFile(path) || Files.isDirectory(path)) {
            return false;
        }
        Object mode = Files.getAttribute(path, "unix:mode", new LinkOption[0]);
        return mode instanceof Integer && (((Integer) mode) & 0170000) == 0060000;
    }

    /**
     * The size in bytes of a block device ({@code BLKGETSIZE64}); empty when the native bindings are not
     * available here.
     */
    public static OptionalLong size(Path device) throws IOException {
        if (!LinuxPlatform.isAvailable()) {
            return OptionalLong.empty();
        }
        LibC libc = LibC.Holder.INSTANCE;
        int fd = LibC.openReadOnly(libc, device);
        try {
            LongByReference size = new LongByReference();
            long request = blkGetSize64(System.getProperty("os.arch", ""), Native.SIZE_T_SIZE);
            if (libc.ioctl(fd, request, size) != 0) {
                int errno = Native.getLastError();
                throw new ErrnoException("ioctl(BLKGETSIZE64) on " + device, errno, null);
            }
            return OptionalLong.of(size.getValue());
        } finally {
            libc.close(fd);
        }
    }

    /** {@code BLKGETSIZE64 = _IOR(0x12, 114, size_t)} in the encoding of {@code arch} (the one {@link IoctlAbi}). */
    static long blkGetSize64(String arch, int sizeOfSizeT) {
        return IoctlAbi.of(arch).encode(IoctlAbi.Direction.READ, 0x12, 114, sizeOfSizeT);
    }
}
