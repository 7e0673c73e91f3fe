package dev.torpor.image.io.write;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.swap.format.HeaderLayout;
import dev.torpor.swap.format.ImageFlags;
import dev.torpor.swap.format.SwapSignature;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The kernel's {@code mark_swapfiles}, shared by both writers and run only after every other page is durable: the
 * swap magic must still be there (else the area changed hands while writing, and nothing is signed), it moves to
 * {@code orig_sig}, the image signature takes its place, and the first map page, flags and CRC32 go where the
 * header era puts them.
 */
final class SignaturePage {
    private SignaturePage() {
    }

    /**
     * @param sectorSize {@code sizeof(sector_t)}: 8, or 4 on old 32-bit kernels
     * @param crc32      written when {@code flags} has {@link ImageFlags#CRC32}
     * @throws ImageFormatException if the swap signature is no longer in the header page; nothing was written
     */
    static void mark(SwapArea area, HeaderLayout layout, int sectorSize, SwapSignature signature, long firstMap,
                     long flags, long crc32) throws IOException {
        int p = area.pageSize();
        long at = area.resumeOffset() * p;
        ByteBuffer page = ByteBuffer.allocate(p).order(area.byteOrder().nio());
        area.store().read(page, at);
        int sigAt = layout.sigOffset(p);
        if (SwapSignature.at(page, sigAt).filter(s -> s.kind() == SwapSignature.Kind.SWAP).isEmpty()) {
            throw new ImageFormatException(at + sigAt, "the swap signature disappeared while writing (is the area "
                    + "in use?); the image is not marked");
        }
        byte[] magic = new byte[SwapSignature.LENGTH];
        page.get(sigAt, magic);
        page.put(layout.origSigOffset(p), magic);
        page.put(sigAt, signature.bytes());
        int imageAt = layout.imageOffset(p, sectorSize);
        if (sectorSize == 8) {
            page.putLong(imageAt, firstMap);
        } else {
            page.putInt(imageAt, (int) firstMap);
        }
        layout.flagsOffset(p).ifPresent(off -> page.putInt(off, (int) flags));
        if ((flags & ImageFlags.CRC32) != 0) {
            layout.crc32Offset(p, sectorSize).ifPresent(off -> page.putInt(off, (int) crc32));
        }
        area.store().write(page.clear(), at);
        area.store().force();
    }
}
