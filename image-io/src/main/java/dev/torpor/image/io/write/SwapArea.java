package dev.torpor.image.io.write;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwapSignature;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A plain swap area ready to take an image: its mkswap header was read and checked (a version-1 area,
 * no image present).
 */
public final class SwapArea implements Closeable {
    /** The page sizes {@link #open(Path)} tries, smallest first. */
    private static final int[] PAGE_SIZES = SwapHeader.pageSizes();

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

    private Closeable owned = () -> { };

    /**
     * Opens the swap area at the start of a file or block device, for reading and writing, with its page size and
     * byte order detected from the header (where the signature sits; which order makes the version 1). The area
     * closes the file when it is closed.
     *
     * @throws IllegalArgumentException if no page size puts a signature where mkswap writes it
     * @throws ImagePresentException    if an image (or its leftover signature) is already there
     */
    public static SwapArea open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            PageStore store = PageStore.of(ch);
            ByteBuffer head = ByteBuffer.allocate(PAGE_SIZES[PAGE_SIZES.length - 1]);
            while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                // read up to the largest page, or the whole file if it is smaller
            }
            for (int pageSize : PAGE_SIZES) {
                if (head.position() < pageSize
                        || SwapSignature.at(head.duplicate().clear(), pageSize - SwapSignature.LENGTH).isEmpty()) {
                    continue;
                }
                // the order that makes the version 1; with neither, open() reports the version it reads
                KernelByteOrder order = SwapHeader.byteOrderOfVersion(head.duplicate().clear())
                        .orElse(KernelByteOrder.LITTLE);
                SwapArea area = open(store, 0, pageSize, order);
                area.owned = ch;
                return area;
            }
            throw new IllegalArgumentException(path + " is not a swap area: no swap signature at the end of its "
                    + "first page for any page size from 4 to 64 KiB (run mkswap first)");
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens the swap area whose header is at device page {@code resumeOffset}.
     *
     * @throws IllegalArgumentException if the page holds no swap signature, or only a version-0 one: the caller
     *                                  named something that is not a usable swap area
     * @throws ImagePresentException    if an image (or its leftover signature) is already there
     * @throws ImageFormatException     if the swap header is damaged
     */
    public static SwapArea open(PageStore store, long resumeOffset, int pageSize, KernelByteOrder order)
            throws IOException {
        long at = resumeOffset * pageSize;
        long magicAt = at + pageSize - SwapSignature.LENGTH;
        ByteBuffer page = ByteBuffer.allocate(pageSize);
        store.read(page, at);
        Optional<SwapSignature> sig = SwapSignature.at(page, pageSize - SwapSignature.LENGTH);
        if (sig.isEmpty()) {
            throw new IllegalArgumentException("not a swap area: no swap signature at byte " + magicAt
                    + " (run mkswap first, or give the right --resume-offset / page size)");
        }
        if (sig.get().kind() != SwapSignature.Kind.SWAP) {
            throw new ImagePresentException(sig.get(), magicAt);
        }
        if (sig.get() != SwapSignature.SWAPSPACE2) {
            throw new IllegalArgumentException("a version-0 swap area (SWAP-SPACE at byte " + magicAt
                    + ") cannot hold images; run mkswap again");
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

    /** Closes the file {@link #open(Path)} opened; an area over a caller's store leaves that store open. */
    @Override
    public void close() throws IOException {
        owned.close();
    }

    /** Area pages listed as bad. */
    public Set<Long> badPages() {
        return Set.copyOf(badPages);
    }

    /** The area already holds an image, or the signature of one: a state to resolve (invalidate), not damage. */
    public static final class ImagePresentException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final SwapSignature signature;

        ImagePresentException(SwapSignature signature, long offset) {
            super("the area already holds a " + signature.label() + " image (signature at byte " + offset
                    + "); invalidate it first");
            this.signature = signature;
        }

        /** The image signature found where the swap signature belongs. */
        public SwapSignature signature() {
            return signature;
        }
    }
}
