package dev.torpor.image.io.read;

import dev.torpor.image.io.Problem;

import dev.torpor.image.io.ImageFormatException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The uncompressed snapshot stream of an image, page by page: the header page, then the metadata and data
 * pages — exactly the bytes a resumer writes into {@code /dev/snapshot}. At the end the CRC32 (where the
 * image has one) and the leftovers are checked; a mismatch fails the last {@link #next()}.
 */
public final class SnapshotStream implements Closeable, PageRuns {
    private final ByteBuffer headerPage;
    private final StreamCursor cursor;
    private final PhysicalPages.CrcCheck crc;
    private final List<Problem> problems;
    private boolean headerGiven;
    private boolean finished;

    SnapshotStream(ByteBuffer headerPage, StreamCursor cursor, PhysicalPages.CrcCheck crc, List<Problem> problems) {
        this.headerPage = headerPage;
        this.cursor = cursor;
        this.crc = crc;
        this.problems = problems;
    }

    /** The next page of the stream (a read-only view valid until the next call), or {@code null} at the end. */
    @Override
    public ByteBuffer next() throws IOException {
        if (!headerGiven) {
            headerGiven = true;
            return headerPage.asReadOnlyBuffer();
        }
        if (finished) {
            return null;
        }
        ByteBuffer page = cursor.next();
        if (page != null) {
            return page.asReadOnlyBuffer();
        }
        end();
        return null;
    }

    /** As {@link #next()}, a run of up to {@code max} pages at a time (the header page alone first). */
    @Override
    public int nextRun(int max, Sink sink) throws IOException {
        if (!headerGiven) {
            headerGiven = true;
            sink.accept(headerPage, 0, 1);
            return 1;
        }
        if (finished) {
            return 0;
        }
        int n = cursor.nextRun(max, sink);
        if (n == 0) {
            end();
        }
        return n;
    }

    /**
     * Where reading the stream's units took its time so far, clocked per unit.
     *
     * @param readNanos     reading the area (the map's pages and the units' pages)
     * @param readWaitNanos of that, the time off the CPU waiting for the disk (known for direct reads, else 0)
     * @param decodeNanos   decompressing units
     * @param crcNanos      the CRC32 of the decoded bytes (0 when it is part of decoding)
     * @param crcInDecode   whether each unit was decoded and checksummed in one native call, so that the CRC32's time
     *                      is in {@code decodeNanos}
     * @param mapNanos      of the reading, the swap map's entries read ahead for batches (0 otherwise)
     */
    public record Timing(long readNanos, long readWaitNanos, long decodeNanos, long crcNanos, boolean crcInDecode,
                         long mapNanos) {
    }

    /** Where reading the units took its time so far. */
    public Timing timing() {
        return new Timing(cursor.readNanos, cursor.readWaitNanos(), cursor.decodeNanos, cursor.crcNanos,
                cursor.crcInDecode(), cursor.mapNanos);
    }

    /** After the last page: what follows the stream, and the CRC32. */
    private void end() throws IOException {
        finished = true;
        cursor.finish(problems);
        if (crc != null && crc.stored() != cursor.crc32()) {
            Problem p = Problem.error(crc.offset(), String.format(
                    "CRC32 mismatch: the header stores 0x%08x, the stream gives 0x%08x", crc.stored(), cursor.crc32()));
            problems.add(p);
            throw new ImageFormatException(p.offset(), p.message());
        }
    }

    /** Pages after the header page produced so far. */
    public long streamPages() {
        return cursor.produced();
    }

    @Override
    public void close() {
        finished = true;
    }
}
