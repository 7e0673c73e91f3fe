package dev.torpor.image.io.disk;

import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwapSignature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What a volume starts with, told from its first 68 KiB.
 *
 * @param type   the kind of content
 * @param detail a line for people (the LUKS version and UUID, the file system's label, the swap signature)
 */
public record VolumeContent(Type type, String detail) {
    /** The kinds of content the scan tells apart. */
    public enum Type {
        /** A swap area or a hibernation image at the volume's start. */
        SWAP_AREA,
        /** A LUKS header: encrypted, not readable without the key. */
        LUKS,
        /** An LVM2 physical volume (its logical volumes are volumes of their own). */
        LVM_PV,
        /** An ext2, ext3 or ext4 file system. */
        EXT,
        XFS,
        BTRFS,
        /** Only zero bytes where a signature would be. */
        EMPTY,
        UNKNOWN;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether swap files may live inside (a file system, something not recognised, or a wiped start). */
        public boolean mayHoldSwapFiles() {
            return this == EXT || this == XFS || this == BTRFS || this == UNKNOWN || this == EMPTY;
        }
    }

    static final int PROBE_BYTES = 0x10040 + 8 + 4096;
    private static final byte[] LUKS_MAGIC = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe};
    private static final byte[] XFS_MAGIC = "XFSB".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BTRFS_MAGIC = "_BHRfS_M".getBytes(StandardCharsets.US_ASCII);

    /** Tells what {@code volume} starts with. */
    public static VolumeContent of(FileChannel volume) throws IOException {
        ByteBuffer b = Reads.at(volume, 0, PROBE_BYTES);
        if (LvmLabel.labelSector(b) >= 0) {
            return new VolumeContent(Type.LVM_PV, "LVM2 physical volume");
        }
        if (Reads.matches(b, 0, LUKS_MAGIC) && b.limit() >= 208) {
            int version = b.order(java.nio.ByteOrder.BIG_ENDIAN).getShort(6) & 0xffff;
            b.order(java.nio.ByteOrder.LITTLE_ENDIAN);
            String label = version == 2 ? Reads.ascii(b, 24, 48) : "";
            return new VolumeContent(Type.LUKS, "LUKS" + version + " UUID " + Reads.ascii(b, 168, 40)
                    + (label.isEmpty() ? "" : ", label '" + label + "'") + ": encrypted, not readable without the key");
        }
        Optional<SwapSignature> sig = swapSignature(b);
        if (sig.isPresent()) {
            return new VolumeContent(Type.SWAP_AREA, "signature " + sig.get().label());
        }
        if (b.limit() >= 1082 && (b.getShort(1080) & 0xffff) == 0xef53) {
            String label = Reads.printable(Reads.ascii(b, 1024 + 120, 16), 16);
            return new VolumeContent(Type.EXT, "ext2/3/4 file system, UUID " + uuid(b, 1024 + 104)
                    + (label.isEmpty() ? "" : ", label '" + label + "'"));
        }
        if (Reads.matches(b, 0, XFS_MAGIC)) {
            return new VolumeContent(Type.XFS, "XFS file system, UUID " + uuid(b, 32));
        }
        if (Reads.matches(b, 0x10040, BTRFS_MAGIC)) {
            return new VolumeContent(Type.BTRFS, "Btrfs file system");
        }
        for (int i = 0; i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return new VolumeContent(Type.UNKNOWN, "no known signature");
            }
        }
        return new VolumeContent(Type.EMPTY, b.limit() == 0 ? "no bytes" : "zero bytes at its start");
    }

    /** A swap signature at the end of a first page of any page size the kernel uses. */
    static Optional<SwapSignature> swapSignature(ByteBuffer start) {
        for (int p : SwapHeader.pageSizes()) {
            if (p <= start.limit()) {
                Optional<SwapSignature> s = SwapSignature.at(start, p - SwapSignature.LENGTH);
                if (s.isPresent() && s.get() != SwapSignature.TUXONICE) {
                    return s;
                }
            }
        }
        return start.limit() >= SwapSignature.LENGTH ? SwapSignature.at(start, 0).filter(s -> s == SwapSignature.TUXONICE)
                : Optional.empty();
    }

    private static String uuid(ByteBuffer b, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 16 && at + i < b.limit(); i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                s.append('-');
            }
            s.append(String.format(Locale.ROOT, "%02x", b.get(at + i)));
        }
        return s.toString();
    }
}
