package dev.torpor.image.io.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.List;

/**
 * A read-only view of one volume (a partition, a logical volume) of a disk: positions are the volume's, and reads
 * go to the disk extents that hold them. A reader opened on it sees the volume as the kernel would see its block
 * device, so offsets in the swap map need no translation.
 */
public final class VolumeChannel extends FileChannel {
    private final FileChannel disk;
    private final DiskExtent[] extents;
    private final long[] starts;
    private final long size;
    private final boolean closesDisk;
    private long position;

    /**
     * @param disk       the whole disk
     * @param extents    the volume's runs on the disk, in volume order
     * @param closesDisk whether closing this view closes {@code disk}
     */
    public VolumeChannel(FileChannel disk, List<DiskExtent> extents, boolean closesDisk) {
        this.disk = disk;
        this.extents = extents.toArray(DiskExtent[]::new);
        this.starts = new long[this.extents.length];
        long s = 0;
        for (int i = 0; i < this.extents.length; i++) {
            starts[i] = s;
            s = Math.addExact(s, this.extents[i].length());
        }
        this.size = s;
        this.closesDisk = closesDisk;
    }

    /** Where byte {@code volumeOffset} of the volume is on the disk, or -1 past its end. */
    public long diskOffset(long volumeOffset) {
        int i = extentOf(volumeOffset);
        return i < 0 ? -1 : extents[i].diskOffset() + (volumeOffset - starts[i]);
    }

    private int extentOf(long pos) {
        if (pos < 0 || pos >= size) {
            return -1;
        }
        int lo = 0;
        int hi = extents.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= pos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        while (lo < extents.length - 1 && extents[lo].length() == 0) {
            lo++;
        }
        return lo;
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
        ensureOpen();
        if (pos < 0) {
            throw new IllegalArgumentException("negative position");
        }
        if (pos >= size) {
            return -1;
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        int total = 0;
        while (dst.hasRemaining() && pos < size) {
            int i = extentOf(pos);
            long inExtent = pos - starts[i];
            int want = (int) Math.min(dst.remaining(), extents[i].length() - inExtent);
            ByteBuffer part = dst.slice(dst.position(), want);
            int n = disk.read(part, extents[i].diskOffset() + inExtent);
            if (n <= 0) {
                break; // the disk is shorter than its table says; the caller sees a short read
            }
            dst.position(dst.position() + n);
            total += n;
            pos += n;
            if (n < want) {
                break;
            }
        }
        return total == 0 ? -1 : total;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            if (!dsts[i].hasRemaining()) {
                continue;
            }
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
            if (dsts[i].hasRemaining()) {
                break;
            }
        }
        return total;
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = read(buf, pos + done);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                target.write(buf);
            }
            done += n;
        }
        return done;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new NonWritableChannelException();
    }

    @Override
    public int write(ByteBuffer src, long pos) {
        throw new NonWritableChannelException();
    }

    @Override
    public FileChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long pos, long count) {
        throw new NonWritableChannelException();
    }

    @Override
    public void force(boolean metaData) {
        // read-only: nothing to make durable
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long pos, long length) {
        throw new UnsupportedOperationException("a volume of a disk cannot be memory-mapped");
    }

    @Override
    public FileLock lock(long pos, long length, boolean shared) {
        throw new UnsupportedOperationException("a volume of a disk cannot be locked");
    }

    @Override
    public FileLock tryLock(long pos, long length, boolean shared) {
        throw new UnsupportedOperationException("a volume of a disk cannot be locked");
    }

    @Override
    protected void implCloseChannel() throws IOException {
        if (closesDisk) {
            disk.close();
        }
    }

    private void ensureOpen() throws IOException {
        if (!isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
    }
}
