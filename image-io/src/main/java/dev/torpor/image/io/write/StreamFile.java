package dev.torpor.image.io.write;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.PageSource;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.X86RestoreRecord;
import dev.torpor.swap.format.SwapHeader;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot stream kept in a file (as {@code torpor read-stream} writes it): read page by page, with
 * the target detected from its header page — the page size whose {@code size} field equals the file length,
 * and the word size and byte order at which the header fields are consistent.
 */
public final class StreamFile implements PageSource, Closeable {
    private static final int[] PAGE_SIZES = SwapHeader.pageSizes();
    private final FileChannel channel;
    private final TargetProfile target;
    private static final int READ_AHEAD_PAGES = 32;
    private final ByteBuffer ahead;
    private long position;

    private StreamFile(FileChannel channel, TargetProfile target) {
        this.channel = channel;
        this.target = target;
        // off-heap, so the channel reads straight into it instead of through a temporary direct buffer
        this.ahead = ByteBuffer.allocateDirect(READ_AHEAD_PAGES * target.pageSize());
        this.ahead.limit(0);
    }

    /** Opens a stream file; {@code override} replaces detection. */
    public static StreamFile open(Path path, Optional<TargetProfile> override) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            TargetProfile t = override.isPresent() ? override.get() : detect(ch);
            return new StreamFile(ch, t);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The target of the stream in {@code ch}, from its header page and length. */
    static TargetProfile detect(FileChannel ch) throws IOException {
        long length = ch.size();
        List<TargetProfile> fits = new ArrayList<>();
        for (int p : PAGE_SIZES) {
            if (length < p || length % p != 0) {
                continue;
            }
            ByteBuffer header = ByteBuffer.allocate(p);
            ch.read(header, 0);
            for (KernelByteOrder o : KernelByteOrder.values()) {
                for (int w : new int[] {8, 4}) {
                    TargetProfile t = new TargetProfile(p, w, o, "unknown");
                    if (SnapshotInfo.plausible(header, t) && SnapshotInfo.parse(header, t).pages() * p == length) {
                        TargetProfile withArch = t.withArch(SnapshotInfo.parse(header, t).arch());
                        if (X86RestoreRecord.find(header, t).isPresent()) {
                            return withArch;
                        }
                        fits.add(withArch);
                    }
                }
            }
        }
        if (fits.isEmpty()) {
            throw new ImageFormatException(0, "the file's first page is not a snapshot header page whose size field "
                    + "matches the file length (" + length + " bytes); give the target explicitly");
        }
        return fits.get(0);
    }

    public TargetProfile target() {
        return target;
    }

    /** The next page (valid until the next call); the file is read 32 pages at a time. */
    @Override
    public ByteBuffer next() throws IOException {
        if (!ahead.hasRemaining()) {
            ahead.clear();
            int n = 0;
            while (ahead.hasRemaining()) {
                int r = channel.read(ahead, position + n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            ahead.flip();
            if (n == 0) {
                return null;
            }
            if (n % target.pageSize() != 0) {
                throw new ImageFormatException(position + n - n % target.pageSize(),
                        "the stream file ends inside a page");
            }
            position += n;
        }
        ByteBuffer view = ahead.slice(ahead.position(), target.pageSize());
        ahead.position(ahead.position() + target.pageSize());
        return view;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
