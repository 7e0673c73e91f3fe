package dev.torpor.image.io.write;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwapSignature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A plain swap area ready to take an image: its mkswap header was read and checked (a version-1 area,
 * no image present).
 */
public final class SwapArea {
    private final PageStore store;
    private final long resumeOffset;
    private final int pageSize;
    private final KernelByteOrder order;
    private final SwapHeader header;
    private final Set<Long> badPages;

    private SwapArea(PageStore store, long resumeOffset, int pageSize, KernelByteOrder order, SwapHeader header,
                     Set<Long> badPages) {
        this.store = store;
        this.resumeOffset = resumeOffset;
        this.pageSize = pageSize;
        this.order = order;
        this.header = header;
        this.badPages = badPages;
    }

    /**
     * Opens the swap area whose header is at device page {@code resumeOffset}.
     *
     * @throws ImageFormatException if there is no version-1 swap signature, or an image is already there
     */
    public static SwapArea open(PageStore store, long resumeOffset, int pageSize, KernelByteOrder order)
            throws IOException {
        long at = resumeOffset * pageSize;
        ByteBuffer page = ByteBuffer.allocate(pageSize);
        store.read(page, at);
        Optional<SwapSignature> sig = SwapSignature.at(page, pageSize - SwapSignature.LENGTH);
        if (sig.isEmpty()) {
            throw new ImageFormatException(at + pageSize - SwapSignature.LENGTH, "no swap signature: not a swap area "
                    + "(run mkswap first, or give the right --resume-offset / page size)");
        }
        if (sig.get().kind() != SwapSignature.Kind.SWAP) {
            throw new ImageFormatException(at + pageSize - SwapSignature.LENGTH, "the area already holds a "
                    + sig.get().label() + " image; invalidate it first");
        }
        if (sig.get() != SwapSignature.SWAPSPACE2) {
            throw new ImageFormatException(at + pageSize - SwapSignature.LENGTH,
                    "version-0 swap areas (SWAP-SPACE) cannot hold images; run mkswap again");
        }
        SwapHeader h = SwapHeader.parse(page, pageSize, order, sig.get());
        if (h.version() != 1) {
            throw new ImageFormatException(at + SwapHeader.VERSION_OFFSET, "swap header version " + h.version()
                    + " in " + order.label() + "-endian order; the kernel writes 1");
        }
        if (h.badPages() > SwapHeader.maxBadPages(pageSize)) {
            throw new ImageFormatException(at + SwapHeader.NR_BADPAGES_OFFSET, "swap header lists " + h.badPages()
                    + " bad pages, more than fit");
        }
        Set<Long> bad = new HashSet<>();
        for (int i = 0; i < h.badPages(); i++) {
            bad.add(SwapHeader.badPage(page, order, i));
        }
        return new SwapArea(store, resumeOffset, pageSize, order, h, bad);
    }

    /**
     * Formats {@code pages} pages as a swap area, as {@code mkswap} does: version 1, the last page, no bad
     * pages, the UUID and label, and the magic; the rest of the header page is zero.
     */
    public static void format(PageStore store, long resumeOffset, int pageSize, KernelByteOrder order, long pages,
                              UUID uuid, String label) throws IOException {
        if (pages < 10) {
            throw new IllegalArgumentException("a swap area needs at least 10 pages, not " + pages);
        }
        ByteBuffer p = ByteBuffer.allocate(pageSize).order(order.nio());
        p.putInt(SwapHeader.VERSION_OFFSET, 1).putInt(SwapHeader.LAST_PAGE_OFFSET, (int) (pages - 1));
        ByteBuffer u = p.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
        u.putLong(SwapHeader.UUID_OFFSET, uuid.getMostSignificantBits());
        u.putLong(SwapHeader.UUID_OFFSET + 8, uuid.getLeastSignificantBits());
        byte[] l = label.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        p.put(SwapHeader.LABEL_OFFSET, l, 0, Math.min(l.length, SwapHeader.LABEL_LENGTH - 1));
        p.put(pageSize - SwapSignature.LENGTH, SwapSignature.SWAPSPACE2.bytes());
        store.write(p.clear(), resumeOffset * pageSize);
        store.write(ByteBuffer.allocate(1), (resumeOffset + pages) * pageSize - 1);
    }

    public PageStore store() {
        return store;
    }

    public long resumeOffset() {
        return resumeOffset;
    }

    public int pageSize() {
        return pageSize;
    }

    public KernelByteOrder byteOrder() {
        return order;
    }

    public SwapHeader header() {
        return header;
    }

    /** Area pages listed as bad. */
    public Set<Long> badPages() {
        return Set.copyOf(badPages);
    }
}
