package dev.torpor.image.io.write;

import dev.torpor.image.io.read.PageSource;
import dev.torpor.snapshot.api.KernelByteOrder;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Replaces the image in a swap area with another, using only the pages the old image occupies: every other used
 * page of the area may hold the hibernated system's swapped-out memory, and stays as it is.
 *
 * <p>The new image is first written into nothing: a dry run that only takes pages. If it does not fit, the area is
 * left as it was, old image included. Then the old image is invalidated (from here on a power cut leaves a plain
 * swap area, never a partial image) and the new one written into the old pages, its signature last.
 */
public final class ImageReplacement {

    /** Opens the new image's stream, once for the dry run and once for the writing. */
    @FunctionalInterface
    public interface Stream {
        PageSource open() throws IOException;
    }

    /** Writes {@code source} into {@code area} with {@code slots}; {@code dryRun} says whether it is the dry run. */
    @FunctionalInterface
    public interface Writer {
        ImageWriter.Result write(PageSource source, SwapArea area, SlotAllocator slots, boolean dryRun)
                throws IOException;
    }

    private ImageReplacement() {
    }

    /**
     * @param oldPages the device pages of the image being replaced ({@code HibernationImage.slots()})
     * @throws SlotAllocator.NoSpaceException when the new image does not fit in {@code oldPages}; nothing was written
     */
    public static ImageWriter.Result replace(Stream stream, PageStore store, long resumeOffset, int pageSize,
                                             KernelByteOrder order, long[] oldPages, Writer writer) throws IOException {
        HeaderOnly dry = HeaderOnly.copy(store, resumeOffset, pageSize);
        Invalidation.invalidate(dry, resumeOffset);
        SwapArea dryArea = SwapArea.open(dry, resumeOffset, pageSize, order);
        write(stream, dryArea, FreeSlots.replacing(dryArea, oldPages), writer, true);

        Invalidation.invalidate(store, resumeOffset);
        store.force();
        SwapArea area = SwapArea.open(store, resumeOffset, pageSize, order);
        return write(stream, area, FreeSlots.replacing(area, oldPages), writer, false);
    }

    private static ImageWriter.Result write(Stream stream, SwapArea area, SlotAllocator slots, Writer writer,
                                            boolean dryRun) throws IOException {
        PageSource source = stream.open();
        try {
            return writer.write(source, area, slots, dryRun);
        } finally {
            if (source instanceof Closeable c) {
                c.close();
            }
        }
    }

    /** A store holding a copy of the swap header page only: other pages read as zeros, and writes there vanish. */
    private static final class HeaderOnly implements PageStore {
        private final long at;
        private final ByteBuffer page;

        private HeaderOnly(long at, ByteBuffer page) {
            this.at = at;
            this.page = page;
        }

        static HeaderOnly copy(PageStore store, long resumeOffset, int pageSize) throws IOException {
            ByteBuffer page = ByteBuffer.allocate(pageSize);
            store.read(page, resumeOffset * pageSize);
            return new HeaderOnly(resumeOffset * pageSize, page);
        }

        @Override
        public void write(ByteBuffer src, long position) {
            long from = Math.max(position, at);
            long to = Math.min(position + src.remaining(), at + page.capacity());
            if (from < to) {
                ByteBuffer part = src.duplicate();
                part.position(src.position() + (int) (from - position)).limit(src.position() + (int) (to - position));
                page.put((int) (from - at), part, part.position(), part.remaining());
            }
            src.position(src.limit());
        }

        @Override
        public void read(ByteBuffer dst, long position) {
            long p = position;
            while (dst.hasRemaining()) {
                dst.put(p >= at && p < at + page.capacity() ? page.get((int) (p - at)) : 0);
                p++;
            }
        }

        @Override
        public void force() {
            // nothing is stored
        }
    }
}
