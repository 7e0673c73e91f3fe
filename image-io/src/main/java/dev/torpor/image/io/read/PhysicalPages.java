package dev.torpor.image.io.read;

import dev.torpor.image.io.Problem;

import dev.torpor.image.io.ImageFormatException;

import dev.torpor.snapshot.api.PfnMetadata;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.TargetProfile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A streaming iterator over the saved pages of an image, in metadata order. Two cursors read the same
 * stream: one over the metadata pages (the PFNs), one over the data pages, so neither the PFN list nor the
 * data is ever held whole. Data page {@code i} belongs to the {@code i}-th PFN that is not flagged zero,
 * as the kernel pairs them.
 *
 * <p>{@link #next()} returns {@code null} at the end; by then the end-of-stream checks (counts, leftover
 * data, CRC32) have added their findings to the image's problems.
 */
public final class PhysicalPages implements Closeable {
    private final PfnCursor pfns;
    private final StreamCursor meta;
    private final StreamCursor data;
    private final SnapshotInfo info;
    private final TargetProfile target;
    private final List<Problem> problems;
    private final ByteBuffer zeroPage;
    private final CrcCheck crc;
    private boolean dataPositioned;
    private boolean finished;
    private long dataPages;

    /** The CRC32 the header stores, and where. */
    record CrcCheck(long stored, long offset) {
    }

    PhysicalPages(PfnCursor pfns, StreamCursor meta, StreamCursor data, SnapshotInfo info, TargetProfile target,
                  CrcCheck crc, List<Problem> problems) {
        this.crc = crc;
        this.pfns = pfns;
        this.meta = meta;
        this.data = data;
        this.info = info;
        this.target = target;
        this.problems = problems;
        this.zeroPage = ByteBuffer.allocate(target.pageSize()).asReadOnlyBuffer();
    }

    /** The next page, or {@code null} after the last one. */
    public PhysicalPage next() throws IOException {
        if (finished) {
            return null;
        }
        if (!dataPositioned) {
            data.skip(info.metaPages());
            dataPositioned = true;
        }
        PfnMetadata.Entry e = pfns.next();
        if (e == null) {
            finish();
            return null;
        }
        if (e.zero()) {
            return new PhysicalPage(e.pfn(), true, zeroPage.duplicate());
        }
        ByteBuffer page = data.next();
        if (page == null) {
            throw new ImageFormatException(data.pageOffset(), "metadata lists more non-zero PFNs than the "
                    + Long.toUnsignedString(info.imagePages()) + " data pages of the header (PFN " + e.pfn()
                    + " has no data)");
        }
        dataPages++;
        return new PhysicalPage(e.pfn(), false, page.asReadOnlyBuffer());
    }

    private void finish() throws IOException {
        finished = true;
        if (pfns.pagesRead() < info.metaPages()) {
            throw new ImageFormatException(meta.pageOffset(), "the stream ends after " + pfns.pagesRead() + " of "
                    + info.metaPages() + " metadata pages");
        }
        if (dataPages < info.imagePages()) {
            throw new ImageFormatException(meta.pageOffset(), "metadata lists " + dataPages
                    + " non-zero PFNs but the header says " + Long.toUnsignedString(info.imagePages()) + " data pages");
        }
        long expectedMeta = PfnMetadata.pagesFor(pfns.entries(), target);
        if (expectedMeta != info.metaPages()) {
            problems.add(Problem.warning(meta.pageOffset(), pfns.entries() + " metadata entries need " + expectedMeta
                    + " metadata pages, the header implies " + info.metaPages()));
        }
        data.finish(problems);
        if (crc != null && crc.stored() != data.crc32()) {
            problems.add(Problem.error(crc.offset(), String.format(
                    "CRC32 mismatch: the header stores 0x%08x, the stream gives 0x%08x", crc.stored(), data.crc32())));
        }
    }

    /**
     * How much of the page last returned the image stores: its unit's stored bytes over the unit's decoded bytes
     * (1 for uncompressed images, 0 for a zero page, whose data is not stored).
     */
    public double storedFraction(PhysicalPage page) {
        if (page.zero()) {
            return 0;
        }
        return data.plain() || data.lastUnitBytes == 0 ? 1 : (double) data.lastUnitStored / data.lastUnitBytes;
    }

    /** {@code crc32_le(0, …)} over the stream pages decoded so far. */
    public long crc32() {
        return data.crc32();
    }

    /** Compressed units decoded so far (0 for uncompressed images). */
    public long units() {
        return data.units();
    }

    /** Stream pages after the header page read so far. */
    public long streamPages() {
        return data.produced();
    }

    /** Metadata pages read so far. */
    public long metaPagesRead() {
        return pfns.pagesRead();
    }

    @Override
    public void close() {
        finished = true;
    }
}
