package dev.torpor.image.io.read;

import java.io.IOException;

/**
 * A page source that can also copy several whole pages at once into an array, as {@code /dev/snapshot} read in
 * batches can: the writer then fills a unit with one copy and no per-page buffer.
 */
public interface BatchedPageSource extends PageSource {
    /**
     * Copies up to {@code pages} next pages into {@code dst} from {@code offset}; returns how many, 0 at the end of
     * the stream. Pages taken by {@link #next()} and by this method come from the same sequence.
     */
    int nextPages(byte[] dst, int offset, int pages) throws IOException;
}
