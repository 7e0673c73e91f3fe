package dev.torpor.hibernation;

import com.sun.nio.file.ExtendedOpenOption;
import dev.torpor.image.io.write.PageStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A store whose whole-page runs from aligned direct buffers (the image's data) go to the device with
 * {@code O_DIRECT}: no copy into the page cache and no writeback afterwards, as the kernel's own writer hands its
 * pages to the disk. Everything else (the map pages, the headers, every read) goes through {@code buffered}, and
 * {@link #force()} makes both durable.
 */
final class DirectWrites implements PageStore, AutoCloseable {
    private final PageStore buffered;
    private final FileChannel direct;
    private final PageStore directStore;
    private final int pageSize;

    private DirectWrites(PageStore buffered, FileChannel direct, int pageSize) {
        this.buffered = buffered;
        this.direct = direct;
        this.directStore = direct == null ? buffered : PageStore.of(direct);
        this.pageSize = pageSize;
    }

    /**
     * Opens {@code device} a second time with O_DIRECT; where it cannot be (a file system without direct I/O, as
     * tmpfs), every write goes through {@code buffered}.
     */
    static DirectWrites open(PageStore buffered, Path device, int pageSize) {
        FileChannel direct;
        try {
            direct = FileChannel.open(device, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            direct = null;
        }
        return new DirectWrites(buffered, direct, pageSize);
    }

    /** Whether whole-page runs bypass the page cache. */
    boolean isDirect() {
        return direct != null;
    }

    /**
     * Writes page {@code index} back as it is, through O_DIRECT (the same bytes: nothing changes), so the direct path
     * is used once before the freeze, after which nothing may load.
     */
    void rehearse(long index) throws IOException {
        ByteBuffer page = ByteBuffer.allocateDirect(2 * pageSize).alignedSlice(pageSize).limit(pageSize);
        buffered.read(page, index * pageSize);
        write(page.flip(), index * pageSize);
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
        int n = src.remaining();
        if (src.isDirect() && n % pageSize == 0 && position % pageSize == 0 && src.alignmentOffset(0, pageSize) == 0
                && n > 0) {
            directStore.write(src, position);
        } else {
            buffered.write(src, position);
        }
    }

    @Override
    public void read(ByteBuffer dst, long position) throws IOException {
        buffered.read(dst, position);
    }

    @Override
    public void force() throws IOException {
        buffered.force(); // one fsync of the device: its cache is flushed, whichever descriptor wrote
    }

    @Override
    public void close() throws IOException {
        if (direct != null) {
            direct.close();
        }
    }
}
