package dev.torpor.image.io.export;

import dev.torpor.image.io.read.PhysicalPage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * LiME ({@code lime_mem_range_header}): for each run a little-endian header {@code u32 magic 0x4C694D45,
 * u32 version 1, u64 s_addr, u64 e_addr (inclusive), u8 reserved[8]}, then the run's bytes. Zero pages
 * are written as zeros (they are memory that was saved, all zeros).
 */
final class LimeWriter implements MemoryWriter {
    static final int MAGIC = 0x4C694D45;
    static final int HEADER_SIZE = 32;

    private final FileChannel out;
    private final int pageSize;
    private final ByteBuffer zero;
    private long pos;
    private long runStart;
    private long headerPos;

    LimeWriter(FileChannel out, int pageSize) {
        this.out = out;
        this.pageSize = pageSize;
        this.zero = ByteBuffer.allocate(pageSize);
    }

    @Override
    public void startRun(long pfn) throws IOException {
        runStart = pfn;
        headerPos = pos;
        pos += HEADER_SIZE;
    }

    @Override
    public void page(PhysicalPage page) throws IOException {
        MemoryWriter.writeFully(out, MemoryWriter.contents(page, zero), pos);
        pos += pageSize;
    }

    @Override
    public void endRun(long pages) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC).putInt(1).putLong(runStart * pageSize).putLong((runStart + pages) * pageSize - 1).putLong(0);
        MemoryWriter.writeFully(out, h.flip(), headerPos);
    }

    @Override
    public void finish() {
    }
}
