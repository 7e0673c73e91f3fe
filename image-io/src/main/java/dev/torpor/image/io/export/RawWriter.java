package dev.torpor.image.io.export;

import dev.torpor.image.io.read.PhysicalPage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Raw physical memory: each page at PFN × page size, zero pages and gaps left as holes. */
final class RawWriter implements MemoryWriter {
    private final FileChannel out;
    private final int pageSize;
    private long end;

    RawWriter(FileChannel out, int pageSize) {
        this.out = out;
        this.pageSize = pageSize;
    }

    @Override
    public void startRun(long pfn) {
    }

    @Override
    public void page(PhysicalPage page) throws IOException {
        long pos = page.pfn() * pageSize;
        end = Math.max(end, pos + pageSize);
        if (!page.zero()) {
            MemoryWriter.writeFully(out, page.data().duplicate(), pos);
        }
    }

    @Override
    public void endRun(long pages) {
    }

    @Override
    public void finish() throws IOException {
        if (out.size() < end) {
            // the memory ends with a hole: give the file its full length
            MemoryWriter.writeFully(out, ByteBuffer.allocate(1), end - 1);
        }
    }
}
