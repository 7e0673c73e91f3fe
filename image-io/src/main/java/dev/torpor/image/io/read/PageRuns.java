package dev.torpor.image.io.read;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A page source that can also hand out its next pages where they already lie, a run of whole pages in one of its own
 * arrays: a restore then writes the decoded pages into {@code /dev/snapshot} with no copy between.
 */
public interface PageRuns extends PageSource {

    /**
     * Takes a run of pages from byte {@code offset} of {@code pages} (its position and limit mean nothing): the
     * source's own buffer, heap or direct, to be read during the call only, never changed.
     */
    @FunctionalInterface
    interface Sink {
        void accept(ByteBuffer pages, int offset, int count) throws IOException;
    }

    /**
     * Hands up to {@code max} next pages to {@code sink} in one call; returns how many, 0 at the end of the stream
     * (where the same checks as {@link #next()}'s last call are made). Pages taken by {@link #next()} and by this
     * method come from the same sequence.
     */
    int nextRun(int max, Sink sink) throws IOException;
}
