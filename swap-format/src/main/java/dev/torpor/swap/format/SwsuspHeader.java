package dev.torpor.swap.format;

import dev.torpor.snapshot.api.KernelByteOrder;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The hibernation fields of the swap header page ({@code struct swsusp_header}) for one era.
 *
 * @param layout      the era the fields were read with
 * @param sectorSize  width of the {@code image} field (sizeof(sector_t), or unsigned long in 2.6.17)
 * @param signature   the signature at {@code P − 10}, if a known one
 * @param rawSignature the 10 signature bytes as printable text
 * @param origSig     the swap magic saved by the kernel ({@code orig_sig}), if a known one
 * @param rawOrigSig  the 10 {@code orig_sig} bytes as printable text
 * @param image       device page index of the first swap-map page (2.6.17: the offset part of the swap entry)
 * @param flags       the flags (0 before 2.6.23)
 * @param crc32       stored CRC32 (0 before 3.2)
 * @param hwSig       stored hardware signature (0 before 5.17)
 */
public record SwsuspHeader(HeaderLayout layout, int sectorSize, Optional<SwapSignature> signature, String rawSignature,
                           Optional<SwapSignature> origSig, String rawOrigSig, long image, ImageFlags flags, long crc32,
                           long hwSig) {

    /** Reads the fields of {@code layout} from the swap header page. */
    public static SwsuspHeader parse(ByteBuffer page, int pageSize, HeaderLayout layout, int sectorSize,
                                     KernelByteOrder order) {
        ByteBuffer b = page.duplicate().order(order.nio());
        long image = readImage(b, layout.imageOffset(pageSize, sectorSize), sectorSize);
        if (layout.swapEntryImage()) {
            image = swapEntryOffset(image, sectorSize);
        }
        long flags = layout.flagsOffset(pageSize).stream().mapToLong(o -> Integer.toUnsignedLong(b.getInt(o))).sum();
        long crc = layout.crc32Offset(pageSize, sectorSize).stream()
                .mapToLong(o -> Integer.toUnsignedLong(b.getInt(o))).sum();
        long hw = layout.hwSigOffset(pageSize, sectorSize).stream()
                .mapToLong(o -> Integer.toUnsignedLong(b.getInt(o))).sum();
        int sigOff = layout.sigOffset(pageSize);
        int origOff = layout.origSigOffset(pageSize);
        return new SwsuspHeader(layout, sectorSize, SwapSignature.at(page, sigOff), SwapSignature.printable(page, sigOff),
                SwapSignature.at(page, origOff), SwapSignature.printable(page, origOff), image, new ImageFlags(flags),
                crc, hw);
    }

    /** Reads an {@code image}-sized unsigned value at {@code offset}. */
    public static long readImage(ByteBuffer page, int offset, int size) {
        return size == 8 ? page.getLong(offset) : Integer.toUnsignedLong(page.getInt(offset));
    }

    /** The offset part of a 2.6.17 {@code swp_entry_t}: the low {@code bits − 5} bits. */
    public static long swapEntryOffset(long entry, int wordSize) {
        int bits = wordSize * 8 - 5;
        return entry & ((1L << bits) - 1);
    }
}
