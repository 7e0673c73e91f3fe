package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.ErrnoException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunk map of a mounted btrfs file system ({@code BTRFS_IOC_TREE_SEARCH} on the chunk tree): FIEMAP on btrfs
 * gives btrfs' own logical addresses, and a swap file's {@code resume_offset} is the device address its chunk maps
 * it to, as {@code btrfs inspect-internal map-swapfile -r} prints it. The kernel takes swap files on btrfs only in
 * chunks of the single profile on one device, so only those are mapped.
 */
public final class BtrfsChunks {
    /** {@code _IOWR(0x94, 17, struct btrfs_ioctl_search_args)}: 4096 bytes, the same value on every ABI. */
    static final long BTRFS_IOC_TREE_SEARCH = 0xD0009411L;
    private static final int ARGS = 4096;
    private static final int KEY = 104;
    private static final int SEARCH_HEADER = 32;
    private static final long CHUNK_TREE = 3;
    private static final long FIRST_CHUNK_TREE_OBJECTID = 256;
    private static final int CHUNK_ITEM = 228;
    private static final int CHUNK_HEADER = 48;
    private static final int STRIPE = 32;
    /** {@code BTRFS_BLOCK_GROUP_PROFILE_MASK}: RAID0, RAID1, DUP, RAID10, RAID5, RAID6, RAID1C3, RAID1C4. */
    private static final long PROFILE_MASK = 0x7f8;
    private static final int MAX_CHUNKS = 1 << 20;

    /** One chunk: logical bytes {@code logical …+length} of the file system, its profile bits, its stripes. */
    public record Chunk(long logical, long length, long type, List<Stripe> stripes) {
        /** Whether the kernel would take swap in it: the single profile, one stripe. */
        public boolean single() {
            return (type & PROFILE_MASK) == 0 && stripes.size() == 1;
        }
    }

    /** A chunk's copy on one device, from byte {@code offset} of that device. */
    public record Stripe(long devid, long offset) {
    }

    private final List<Chunk> chunks;

    private BtrfsChunks(List<Chunk> chunks) {
        this.chunks = List.copyOf(chunks);
    }

    /** Whether {@code file} lives on btrfs. */
    public static boolean isBtrfs(Path file) throws IOException {
        return Files.getFileStore(file).type().equals("btrfs");
    }

    /** The chunks of the btrfs file system holding {@code file} (needs CAP_SYS_ADMIN, as btrfs-progs does). */
    public static BtrfsChunks of(Path file) throws IOException {
        if (!LinuxPlatform.isAvailable()) {
            throw new IOException("the btrfs chunk tree needs Linux and the native bindings");
        }
        LibC libc = LibC.Holder.INSTANCE;
        int fd = LibC.openReadOnly(libc, file);
        try {
            List<Chunk> out = new ArrayList<>();
            Memory m = new Memory(ARGS);
            long minOffset = 0;
            while (out.size() < MAX_CHUNKS) {
                m.clear();
                ByteBuffer b = m.getByteBuffer(0, ARGS).order(ByteOrder.nativeOrder());
                b.putLong(0, CHUNK_TREE).putLong(8, FIRST_CHUNK_TREE_OBJECTID).putLong(16, FIRST_CHUNK_TREE_OBJECTID)
                        .putLong(24, minOffset).putLong(32, -1L).putLong(40, 0).putLong(48, -1L)
                        .putInt(56, CHUNK_ITEM).putInt(60, CHUNK_ITEM).putInt(64, 4096);
                if (libc.ioctl(fd, new NativeLong(BTRFS_IOC_TREE_SEARCH), m) != 0) {
                    int errno = Native.getLastError();
                    throw new ErrnoException("ioctl(BTRFS_IOC_TREE_SEARCH) on " + file
                            + (errno == 1 ? " (reading the chunk tree needs root)" : ""), errno, null);
                }
                int items = b.getInt(64);
                if (items == 0) {
                    break;
                }
                int pos = KEY;
                long last = minOffset;
                for (int i = 0; i < items && pos + SEARCH_HEADER <= ARGS; i++) {
                    long offset = b.getLong(pos + 16);
                    int type = b.getInt(pos + 24);
                    int len = b.getInt(pos + 28);
                    int item = pos + SEARCH_HEADER;
                    if (len < 0 || item + len > ARGS) {
                        throw new IOException("BTRFS_IOC_TREE_SEARCH returned an item of " + len + " bytes past its "
                                + "buffer");
                    }
                    if (type == CHUNK_ITEM && len >= CHUNK_HEADER) {
                        out.add(chunk(b.slice(item, len).order(ByteOrder.LITTLE_ENDIAN), offset));
                    }
                    last = offset;
                    pos = item + len;
                }
                if (last == -1L) {
                    break;
                }
                minOffset = last + 1;
            }
            return new BtrfsChunks(out);
        } finally {
            libc.close(fd);
        }
    }

    private static Chunk chunk(ByteBuffer item, long logical) throws IOException {
        long length = item.getLong(0);
        long type = item.getLong(24);
        int n = Short.toUnsignedInt(item.getShort(44));
        if (CHUNK_HEADER + (long) n * STRIPE > item.capacity()) {
            throw new IOException("btrfs chunk at " + logical + " names " + n + " stripes but holds "
                    + (item.capacity() - CHUNK_HEADER) / STRIPE);
        }
        List<Stripe> stripes = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            int o = CHUNK_HEADER + s * STRIPE;
            stripes.add(new Stripe(item.getLong(o), item.getLong(o + 8)));
        }
        return new Chunk(logical, length, type, stripes);
    }

    /** The chunks, by logical address. */
    public List<Chunk> chunks() {
        return chunks;
    }

    /**
     * The device byte where btrfs logical address {@code logical} is stored.
     *
     * @throws IOException when no chunk holds it, or its chunk is not of the single profile (no swap file can be there)
     */
    public long physical(long logical) throws IOException {
        for (Chunk c : chunks) {
            if (logical >= c.logical() && logical - c.logical() < c.length()) {
                if (!c.single()) {
                    throw new IOException("btrfs logical address " + logical + " is in a chunk with the profile bits 0x"
                            + Long.toHexString(c.type() & PROFILE_MASK) + " and " + c.stripes().size()
                            + " stripe(s); the kernel takes a swap file only in single-profile data on one device");
                }
                return c.stripes().get(0).offset() + (logical - c.logical());
            }
        }
        throw new IOException("no btrfs chunk holds logical address " + logical);
    }
}
