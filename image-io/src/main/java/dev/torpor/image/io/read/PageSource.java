package dev.torpor.image.io.read;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A snapshot stream as a sequence of whole pages, header page first — from an image, a stream file, or
 * {@code /dev/snapshot}.
 */
@FunctionalInterface
public interface PageSource {
    /** The next page (valid until the next call), or {@code null} at the end of the stream. */
    ByteBuffer next() throws IOException;
}
