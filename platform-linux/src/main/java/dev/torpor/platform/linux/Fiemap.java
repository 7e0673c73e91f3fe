package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.ErrnoException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The physical extents of a file ({@code FS_IOC_FIEMAP}), and from them the {@code resume_offset} of a swap
 * file: the device page of its first page. A swap file the kernel can hibernate to has no holes and no extents
 * shared with other files; preallocated (unwritten) extents are fine, since swap reads and writes the blocks
 * themselves (the kernel's iomap swap activation takes them, and btrfs-progs' mkswapfile makes them). On btrfs the first extent's address is mapped
 * through the chunk tree ({@link BtrfsChunks}).
 */
public final class Fiemap {
    /**
     * {@code _IOWR('f', 11, struct fiemap)} (32-byte struct). Read|write makes the direction bits 0b11 on the
     * generic and parisc ABIs and 0b110 on powerpc/mips/sparc/alpha: the same value everywhere.
     */
    static final long FS_IOC_FIEMAP = 0xC020660BL;
    private static final int FIEMAP_FLAG_SYNC = 1;
    private static final int HEADER = 32;
    private static final int EXTENT = 56;
    private static final int BATCH = 256;

    /** Extent flags ({@code FIEMAP_EXTENT_*}). */
    public static final int LAST = 0x1;
    public static final int UNKNOWN = 0x2;
    public static final int DELALLOC = 0x4;
    public static final int ENCODED = 0x8;
    public static final int NOT_ALIGNED = 0x100;
    public static final int DATA_INLINE = 0x200;
    public static final int UNWRITTEN = 0x800;
    public static final int SHARED = 0x2000;

    /** One extent: bytes {@code logical …} of the file are at byte {@code physical} of the device. */
    public record Extent(long logical, long physical, long length, int flags) {
    }

    private Fiemap() {
    }

    /** All extents of {@code file} (after syncing it, so delayed allocations are placed). */
    public static List<Extent> extents(Path file) throws IOException {
        if (!LinuxPlatform.isAvailable()) {
            throw new IOException("FIEMAP needs Linux and the native bindings");
        }
        LibC libc = LibC.Holder.INSTANCE;
        int fd = LibC.openReadOnly(libc, file);
        try {
            List<Extent> out = new ArrayList<>();
            long start = 0;
            Memory m = new Memory(HEADER + (long) EXTENT * BATCH);
            while (true) {
                m.clear();
                java.nio.ByteBuffer b = m.getByteBuffer(0, m.size()).order(ByteOrder.nativeOrder());
                b.putLong(0, start).putLong(8, -1L).putInt(16, FIEMAP_FLAG_SYNC).putInt(24, BATCH);
                if (libc.ioctl(fd, new NativeLong(FS_IOC_FIEMAP), m) != 0) {
                    int errno = Native.getLastError();
                    throw new ErrnoException("ioctl(FS_IOC_FIEMAP) on " + file, errno, null);
                }
                int mapped = b.getInt(20);
                if (mapped == 0) {
                    return out;
                }
                boolean last = false;
                for (int i = 0; i < mapped; i++) {
                    int o = HEADER + i * EXTENT;
                    Extent e = new Extent(b.getLong(o), b.getLong(o + 8), b.getLong(o + 16), b.getInt(o + 40));
                    out.add(e);
                    last |= (e.flags() & LAST) != 0;
                    start = e.logical() + e.length();
                }
                if (last) {
                    return out;
                }
            }
        } finally {
            libc.close(fd);
        }
    }

    /**
     * The {@code resume_offset} of a swap file: the device page ({@code pageSize} units) of its first page.
     *
     * @throws IOException naming the problem when the kernel could not use the file as hibernation swap
     */
    public static long resumeOffset(Path file, long fileSize, int pageSize) throws IOException {
        List<Extent> extents = extents(file);
        if (extents.isEmpty()) {
            throw new IOException(file + " has no data on disk (empty or all holes): write it out first "
                    + "(for example with dd), then mkswap it");
        }
        long expected = 0;
        for (Extent e : extents) {
            if (e.logical() != expected) {
                throw new IOException(file + " has a hole at byte " + expected + "; swap files must be fully "
                        + "allocated (create it with dd, not as a sparse file)");
            }
            if ((e.flags() & SHARED) != 0) {
                throw new IOException(file + " shares extents with another file (copy-on-write / reflink) from "
                        + "byte " + e.logical() + "; the kernel cannot hibernate to it");
            }
            if ((e.flags() & (UNKNOWN | DELALLOC | ENCODED | NOT_ALIGNED | DATA_INLINE)) != 0) {
                throw new IOException(file + " has an extent without a fixed physical place (flags 0x"
                        + Integer.toHexString(e.flags()) + ") at byte " + e.logical());
            }
            expected = e.logical() + e.length();
        }
        if (expected < fileSize) {
            throw new IOException(file + " has a hole at its end (byte " + expected + ")");
        }
        Extent first = extents.get(0);
        // on btrfs FIEMAP's "physical" is btrfs' logical address: the chunk tree maps it to the device
        long physical = BtrfsChunks.isBtrfs(file) ? BtrfsChunks.of(file).physical(first.physical()) : first.physical();
        if (physical % pageSize != 0) {
            throw new IOException(file + " does not start on a page boundary of the device");
        }
        return physical / pageSize;
    }
}
