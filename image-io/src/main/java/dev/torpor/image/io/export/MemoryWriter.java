package dev.torpor.image.io.export;

import dev.torpor.image.io.read.PhysicalPage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** One output format: receives runs of consecutive pages. */
sealed interface MemoryWriter permits RawWriter, LimeWriter, ElfWriter {

    /** A run of consecutive PFNs starts at {@code pfn}. */
    void startRun(long pfn) throws IOException;

    /** The next page of the current run. */
    void page(PhysicalPage page) throws IOException;

    /** The current run ends after {@code pages} pages. */
    void endRun(long pages) throws IOException;

    /** After the last run: write trailers, fix up headers. */
    void finish() throws IOException;

    /** The bytes to write for a page: its data, or {@code zeroPage} for a page the kernel flagged zero. */
    static ByteBuffer contents(PhysicalPage page, ByteBuffer zeroPage) {
        return page.zero() ? zeroPage.duplicate() : page.data().duplicate();
    }

    /** Writes all of {@code b} at {@code pos}. */
    static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            p += ch.write(b, p);
        }
    }
}
