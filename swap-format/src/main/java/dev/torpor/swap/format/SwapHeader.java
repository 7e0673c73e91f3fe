package dev.torpor.swap.format;

import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.Utsname;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.UUID;

/**
 * The mkswap header in the first page of a swap area ({@code union swap_header}): version, last usable
 * page, bad pages, UUID and label, and the magic at {@code PAGE_SIZE − 10}. Version 0 areas
 * ({@code SWAP-SPACE}) have only the magic.
 *
 * @param magic     the swap magic (the original one when a hibernation image replaced it)
 * @param version   header version (1 for {@code SWAPSPACE2}); 0 for version-0 areas
 * @param lastPage  index of the last usable page
 * @param badPages  number of bad pages listed
 * @param uuid      the area's UUID (may be the nil UUID)
 * @param label     the volume label (may be empty)
 * @param pageSize  page size the header was found with
 */
public record SwapHeader(SwapSignature magic, long version, long lastPage, long badPages, UUID uuid, String label,
                         int pageSize) {

    public static final int VERSION_OFFSET = 1024;
    public static final int LAST_PAGE_OFFSET = 1028;
    public static final int NR_BADPAGES_OFFSET = 1032;
    public static final int UUID_OFFSET = 1036;
    public static final int LABEL_OFFSET = 1052;
    public static final int LABEL_LENGTH = 16;
    public static final int BADPAGES_OFFSET = 1536;

    /** Offset of the magic (and of the hibernation signature) in a page of {@code pageSize} bytes. */
    public static int magicOffset(int pageSize) {
        return pageSize - SwapSignature.LENGTH;
    }

    /** The most bad-page entries a header page of this size can list. */
    public static long maxBadPages(int pageSize) {
        return (pageSize - SwapSignature.LENGTH - BADPAGES_OFFSET) / 4;
    }

    /**
     * The byte order in which the version field reads 1, if exactly one does. The kernel writes the
     * header in its native order, so this tells the byte order of a v1 area.
     */
    /**
     * The page sizes a swap area's header can be written for, smallest first: mkswap puts the magic in the last
     * 10 bytes of the first page, so finding it tells the page size. A new array each call.
     */
    public static int[] pageSizes() {
        return new int[] {4096, 8192, 16384, 32768, 65536};
    }

    public static Optional<KernelByteOrder> byteOrderOfVersion(ByteBuffer page) {
        long le = Integer.toUnsignedLong(page.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(VERSION_OFFSET));
        long be = Integer.toUnsignedLong(page.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(VERSION_OFFSET));
        if (le == 1 && be != 1) {
            return Optional.of(KernelByteOrder.LITTLE);
        }
        if (be == 1 && le != 1) {
            return Optional.of(KernelByteOrder.BIG);
        }
        return Optional.empty();
    }

    /** Reads the header fields; {@code magic} is the swap magic in effect (from {@code orig_sig} if hibernated). */
    public static SwapHeader parse(ByteBuffer page, int pageSize, KernelByteOrder order, SwapSignature magic) {
        if (magic == SwapSignature.SWAP_SPACE) {
            return new SwapHeader(magic, 0, 0, 0, new UUID(0, 0), "", pageSize);
        }
        ByteBuffer b = page.duplicate().order(order.nio());
        long version = Integer.toUnsignedLong(b.getInt(VERSION_OFFSET));
        long last = Integer.toUnsignedLong(b.getInt(LAST_PAGE_OFFSET));
        long bad = Integer.toUnsignedLong(b.getInt(NR_BADPAGES_OFFSET));
        ByteBuffer u = page.duplicate().order(ByteOrder.BIG_ENDIAN);
        UUID uuid = new UUID(u.getLong(UUID_OFFSET), u.getLong(UUID_OFFSET + 8));
        String label = Utsname.cString(page, LABEL_OFFSET, LABEL_LENGTH);
        return new SwapHeader(magic, version, last, bad, uuid, label, pageSize);
    }

    /** Reads bad-page entry {@code i} (a page index the kernel must not use). */
    public static long badPage(ByteBuffer page, KernelByteOrder order, int i) {
        return Integer.toUnsignedLong(page.duplicate().order(order.nio()).getInt(BADPAGES_OFFSET + 4 * i));
    }
}
