package dev.torpor.platform.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.IoctlAbi;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;
import dev.torpor.snapshot.api.device.SnapshotIoctl;
import dev.torpor.snapshot.api.session.SuspendSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code /dev/snapshot} of the running kernel through libc: {@code open}, {@code read}, {@code write},
 * {@code ioctl} with the request numbers of this machine's ABI and word size, {@code close}. Errors become
 * {@link ErrnoException} with the request and errno. Opening it read-only starts a hibernation session in
 * the kernel: only ever do that on a machine meant to hibernate (Torpor's tests use it inside QEMU guests).
 */
public final class LinuxSnapshotDevice implements SnapshotDevice {
    /** The device node. */
    public static final Path DEFAULT_PATH = Path.of("/dev/snapshot");

    private final LibC libc;
    private final Mode mode;
    private final IoctlAbi abi;
    private final int wordSize;
    private final Memory arg = new Memory(16);
    private int fd;

    private LinuxSnapshotDevice(LibC libc, int fd, Mode mode) {
        this.libc = libc;
        this.fd = fd;
        this.mode = mode;
        this.abi = IoctlAbi.of(System.getProperty("os.arch", ""));
        this.wordSize = Native.LONG_SIZE;
    }

    /** Opens {@code path} (normally {@link #DEFAULT_PATH}) read-only to hibernate or write-only to restore. */
    public static LinuxSnapshotDevice open(Path path, Mode mode) throws ErrnoException {
        if (!LinuxPlatform.isAvailable()) {
            throw new ErrnoException("open", Errno.ENOSYS, LinuxPlatform.unavailabilityCause().map(Throwable::getMessage).orElse(""));
        }
        LibC libc = LibC.Holder.INSTANCE;
        int flags = (mode == Mode.HIBERNATE ? LibC.O_RDONLY : LibC.O_WRONLY) | LibC.O_CLOEXEC;
        int fd = libc.open(path.toString(), flags);
        if (fd < 0) {
            int errno = Native.getLastError();
            throw new ErrnoException("open(" + path + ")", errno, null);
        }
        return new LinuxSnapshotDevice(libc, fd, mode);
    }

    @Override
    public Mode mode() {
        return mode;
    }

    private long request(SnapshotIoctl op) {
        return op.request(abi, wordSize);
    }

    private void check(String op, int result) throws ErrnoException {
        if (result < 0) {
            int errno = Native.getLastError();
            throw new ErrnoException(op, errno, "");
        }
    }

    private void none(SnapshotIoctl op) throws ErrnoException {
        check("SNAPSHOT_" + op.name(), libc.ioctl(fd, new NativeLong(request(op)), new NativeLong(0)));
    }

    private void value(SnapshotIoctl op, long v) throws ErrnoException {
        check("SNAPSHOT_" + op.name(), libc.ioctl(fd, new NativeLong(request(op)), new NativeLong(v)));
    }

    private ByteBuffer out(SnapshotIoctl op) throws ErrnoException {
        arg.clear();
        check("SNAPSHOT_" + op.name(), libc.ioctl(fd, new NativeLong(request(op)), arg));
        return arg.getByteBuffer(0, 16).order(ByteOrder.nativeOrder());
    }

    /** Whether the allocation-free direct calls apply (an LP64 kernel ABI). */
    private final boolean direct = Native.LONG_SIZE == 8;

    /**
     * {@code jna} keeps every call on JNA and rules the JNI library out; otherwise the per-page calls go through JNI
     * wherever the library loads (in the guest about half of JNA's cost per call).
     */
    public static final String BINDING_PROPERTY = "torpor.native";

    /** Whether the per-page calls go through {@link JniPageCalls} instead of JNA's direct mapping. */
    private boolean jni = direct && !"jna".equals(System.getProperty(BINDING_PROPERTY)) && JniPageCalls.isAvailable();

    /** The binding of the per-page calls on this device: "JNI" or "JNA". */
    public String binding() {
        return jni ? "JNI" : "JNA";
    }

    /** Why the JNI binding of the per-page calls cannot be used here, or empty when it can. */
    public static Optional<String> jniUnavailabilityCause() {
        return JniPageCalls.unavailabilityCause();
    }

    /** An ioctl writing a 64-bit result, without allocating (ALLOC_SWAP_PAGE runs once per stored page). */
    private long outLong(SnapshotIoctl op) throws ErrnoException {
        if (!direct) {
            return out(op).getLong(0);
        }
        long r = outLongOrErrno(op);
        if (r < 0 && !refusalsExpected) {
            throw new ErrnoException("SNAPSHOT_" + op.name(), (int) -r, "");
        }
        return r;
    }

    /**
     * Set only on the rehearsal's device (a node that refuses every ioctl): {@link #outLong} then returns the
     * negative errno instead of throwing, so the rehearsal runs the real run's per-page frames
     * ({@code allocSwapPage}, {@code outLong}, the native call) often enough to get them compiled, without making
     * an exception per call.
     */
    private boolean refusalsExpected;

    /**
     * As {@link #outLong}, on LP64 only, with failure as the negative errno and no exception made (one cost about
     * 0.85 ms in a TCG guest). The results of the ioctls using it (swap offsets and sizes) are never negative.
     */
    private long outLongOrErrno(SnapshotIoctl op) {
        if (jni) {
            long r = JniPageCalls.ioctl0(fd, request(op), argAddress);
            return r < 0 ? r : argView.getLong(0);
        }
        if (DirectLibC.Quiet.ioctl(fd, request(op), argAddress) < 0) {
            return -Math.max(1, Native.getLastError());
        }
        return argView.getLong(0);
    }

    @Override
    public long ioctl(long request, long v, ByteBuffer buffer) throws ErrnoException {
        String name = String.format("ioctl 0x%08x", request);
        if (buffer == null) {
            check(name, libc.ioctl(fd, new NativeLong(request), new NativeLong(v)));
            return 0;
        }
        Memory m = new Memory(Math.max(1, buffer.remaining()));
        m.getByteBuffer(0, buffer.remaining()).put(buffer.duplicate());
        int r = libc.ioctl(fd, new NativeLong(request), m);
        check(name, r);
        buffer.duplicate().put(m.getByteBuffer(0, buffer.remaining()));
        return r;
    }

    /**
     * A native buffer for read and write, reused so that moving an image allocates nothing per page: a
     * {@code readv} batch of 4 KiB pages fits (larger pages grow it once, at the first batch).
     */
    private Memory io = new Memory(Math.max(65536, 4096L * SuspendSession.BATCH_PAGES));
    /** {@code struct iovec}s (base, length: 16 bytes on LP64) over {@link #io}, for {@code readv}. */
    private final Memory iov = new Memory(16L * MAX_IOV);
    /** The iovec length and buffer {@link #iov} was filled for. */
    private int iovLength;
    private Memory iovOver;
    /** The kernel's UIO_MAXIOV. */
    private static final int MAX_IOV = 1024;
    /**
     * A view of {@link #io}, made once: copying a page between it and a heap array is a plain memory copy, where
     * JNA's {@code Memory.read}/{@code write} cross into native code for each page.
     */
    private ByteBuffer ioView = io.getByteBuffer(0, io.size());
    /** A view of {@link #arg} in native order, for the 64-bit results of the per-page ioctls. */
    private final ByteBuffer argView = arg.getByteBuffer(0, 16).order(ByteOrder.nativeOrder());
    private final long argAddress = com.sun.jna.Pointer.nativeValue(arg);

    private Memory io(int bytes) {
        if (io.size() < bytes) {
            io = new Memory(bytes);
            ioView = io.getByteBuffer(0, io.size());
        }
        return io;
    }

    /**
     * Runs every call of this class, many times, on a harmless device node ({@code /dev/zero}, {@code /dev/null}:
     * reads succeed, ioctls fail with ENOTTY, writes are swallowed), so that everything the calls need is loaded
     * and JNA's reflective paths are compiled before a hibernation, when loading a class would read a file.
     */
    public static Rehearsed rehearse(Path readable, Path writable) throws ErrnoException {
        return rehearse(readable, writable, 40);
    }

    /**
     * What a rehearsal did: {@code reads} page reads (in batches, with {@code readv}) and {@code allocs} failing
     * {@code ALLOC_SWAP_PAGE} calls through {@code binding}; {@code readNanos} and {@code allocNanos} are what that
     * many cost at the rate of a timed run after the warm-up (where the JNI library loads, the timed runs of each way
     * come after all of them are warm; else the whole run is timed).
     */
    public record Rehearsed(int reads, long readNanos, int allocs, long allocNanos, String binding,
                            List<Compared> compared) {
        public Rehearsed {
            compared = List.copyOf(compared);
        }
    }

    /**
     * The same calls through another way measured in the same rehearsal, per page read and per
     * {@code ALLOC_SWAP_PAGE}: the other binding, and plain C loops of the calls (the reference).
     */
    public record Compared(String how, long readNanos, long allocNanos) {
    }

    /**
     * As {@link #rehearse(Path, Path)}, with {@code reads} page reads and half as many {@code ALLOC_SWAP_PAGE} calls in
     * all: a hibernation makes tens of thousands of these calls, and only a rehearsal of that order gets them
     * compiled before the JIT stops.
     */
    public static Rehearsed rehearse(Path readable, Path writable, int reads) throws ErrnoException {
        ByteBuffer page = ByteBuffer.allocate(4096);
        int looped = Math.max(0, reads - 40); // the last 40 reads go with the rehearsal of every other call
        int allocs = looped / 2;
        ByteBuffer batch = ByteBuffer.allocate(4096 * SuspendSession.BATCH_PAGES);
        byte[] units = new byte[4096 * SuspendSession.BATCH_PAGES];
        long[] measured;
        List<Compared> compared = new java.util.ArrayList<>();
        String binding;
        try (LinuxSnapshotDevice d = open(readable, Mode.HIBERNATE)) {
            binding = d.binding();
            // as many calls as a hibernation makes, so that the per-page frames are compiled; then timed runs of the
            // same size for each way, every one of them warmed up first, so that no way pays for its compilation
            measured = timeCalls(d, units, looped, allocs);
            if (d.direct && JniPageCalls.isAvailable()) {
                int reads2 = Math.min(looped, 4096);
                int allocs2 = Math.min(allocs, 2048);
                boolean mine = d.jni;
                d.jni = !mine;
                timeCalls(d, units, reads2, allocs2);
                d.jni = mine;
                measured = timeCalls(d, units, reads2, allocs2);
                d.jni = !mine;
                long[] other = timeCalls(d, units, reads2, allocs2);
                d.jni = mine;
                compared.add(new Compared(d.jni ? "JNA" : "JNI", other[0], other[1]));
                int batches = Math.max(1, reads2 / SuspendSession.BATCH_PAGES);
                long iovAddress = d.iovecs(SuspendSession.BATCH_PAGES, 4096);
                long cRead = JniPageCalls.referenceReadv0(d.fd, iovAddress, SuspendSession.BATCH_PAGES, batches);
                long cAlloc = JniPageCalls.referenceIoctl0(d.fd, d.request(SnapshotIoctl.ALLOC_SWAP_PAGE),
                        d.argAddress, Math.max(1, allocs2));
                if (cRead >= 0) {
                    compared.add(new Compared("C", cRead / ((long) batches * SuspendSession.BATCH_PAGES),
                            cAlloc / Math.max(1, allocs2)));
                }
            }
            for (int i = 0; i < 40; i++) {
                page.clear();
                d.read(page);
                batch.clear();
                d.readv(batch, 4096); // as the session's read-ahead of a single page reads
                for (SnapshotCall c : HIBERNATE_CALLS) {
                    try {
                        c.run(d);
                    } catch (ErrnoException expected) {
                        // ENOTTY: the device is not /dev/snapshot
                    }
                }
            }
        }
        try (LinuxSnapshotDevice d = open(writable, Mode.RESTORE)) {
            for (int i = 0; i < 40; i++) {
                page.clear();
                d.write(page);
                batch.clear();
                d.writev(batch, 4096); // as a restore writes: a batch per writev
                d.writePagesFrom(units, 0, SuspendSession.BATCH_PAGES, 4096); // or straight from the decoded unit
                for (SnapshotCall c : new SnapshotCall[] {SnapshotDevice::freeze, SnapshotDevice::atomicRestore,
                        SnapshotDevice::unfreeze}) {
                    try {
                        c.run(d);
                    } catch (ErrnoException expected) {
                        // ENOTTY
                    }
                }
            }
        }
        return new Rehearsed(looped, measured[0] * looped, allocs, measured[1] * allocs, binding, compared);
    }

    /**
     * {@code reads} page reads in {@code readv} batches and {@code allocs} refused {@code ALLOC_SWAP_PAGE} calls, as a
     * hibernation makes them; nanoseconds per page read and per call.
     */
    private static long[] timeCalls(LinuxSnapshotDevice d, byte[] units, int reads, int allocs)
            throws ErrnoException {
        long t = System.nanoTime();
        // as a hibernation reads: a unit's worth of pages straight into the array the writer compresses
        for (int i = 0; i < reads; i += SuspendSession.BATCH_PAGES) {
            d.readPagesInto(units, 0, SuspendSession.BATCH_PAGES, 4096);
        }
        long readNanos = System.nanoTime() - t;
        t = System.nanoTime();
        // a swap slot for every other page, as a compressed image needs about; refused (ENOTTY) on this node
        d.refusalsExpected = d.direct;
        for (int i = 0; i < allocs; i++) {
            try {
                d.allocSwapPage(); // returns -ENOTTY (LP64), or throws it
            } catch (ErrnoException expected) {
                // ENOTTY
            }
        }
        d.refusalsExpected = false;
        long allocNanos = System.nanoTime() - t;
        return new long[] {readNanos / Math.max(1, reads), allocNanos / Math.max(1, allocs)};
    }

    /** One call on a device. */
    @FunctionalInterface
    private interface SnapshotCall {
        void run(SnapshotDevice d) throws ErrnoException;
    }

    private static final SnapshotCall[] HIBERNATE_CALLS = {
        d -> d.setSwapArea(0, 0), SnapshotDevice::freeze, d -> d.platformSupport(true), d -> d.prefImageSize(0),
        SnapshotDevice::createImage, SnapshotDevice::imageSize, SnapshotDevice::availSwapSize,
        SnapshotDevice::allocSwapPage, SnapshotDevice::freeSwapPages, SnapshotDevice::free, SnapshotDevice::powerOff,
        SnapshotDevice::s2ram, SnapshotDevice::unfreeze};

    @Override
    public int read(ByteBuffer dst) throws ErrnoException {
        Memory m = io(Math.max(1, dst.remaining()));
        long n;
        if (direct) {
            try {
                n = DirectLibC.read(fd, com.sun.jna.Pointer.nativeValue(m), dst.remaining());
            } catch (com.sun.jna.LastErrorException e) {
                throw new ErrnoException("read", e.getErrorCode(), "");
            }
        } else {
            n = libc.read(fd, m, new NativeLong(dst.remaining())).longValue();
            if (n < 0) {
                throw new ErrnoException("read", Native.getLastError(), "");
            }
        }
        // absolute bulk copy from the view made once: nothing allocated per page, no native call
        dst.put(dst.position(), ioView, 0, (int) n);
        dst.position(dst.position() + (int) n);
        return (int) n;
    }

    @Override
    public long readv(ByteBuffer dst, int length) throws ErrnoException {
        int count = Math.min(MAX_IOV, dst.remaining() / length);
        if (!direct || count < 2) {
            return SnapshotDevice.super.readv(dst, length);
        }
        long n = vectored(count, length, false);
        dst.put(dst.position(), ioView, 0, (int) n);
        dst.position(dst.position() + (int) n);
        return n;
    }

    @Override
    public long readPagesInto(byte[] dst, int offset, int pages, int pageSize) throws ErrnoException {
        if (!jni || pages < 1) {
            return SnapshotDevice.super.readPagesInto(dst, offset, pages, pageSize);
        }
        return arrayPages(dst, offset, pages, pageSize, false);
    }

    @Override
    public long writePagesFrom(byte[] src, int offset, int pages, int pageSize) throws ErrnoException {
        if (!jni || pages < 1) {
            return SnapshotDevice.super.writePagesFrom(src, offset, pages, pageSize);
        }
        return arrayPages(src, offset, pages, pageSize, true);
    }

    @Override
    public long writePagesFrom(ByteBuffer src, int offset, int pages, int pageSize) throws ErrnoException {
        if (src.hasArray()) {
            return writePagesFrom(src.array(), src.arrayOffset() + offset, pages, pageSize);
        }
        if (!jni || pages < 1 || !src.isDirect()) {
            return SnapshotDevice.super.writePagesFrom(src, offset, pages, pageSize);
        }
        if (offset < 0 || (long) offset + (long) pages * pageSize > src.capacity()) {
            throw new IndexOutOfBoundsException(pages + " pages of " + pageSize + " from " + offset + " do not fit "
                    + src.capacity() + " bytes");
        }
        long n = JniPageCalls.writevDirect0(fd, src, offset, Math.min(pages, 1024), pageSize); // UIO_MAXIOV
        if (n < 0) {
            throw new ErrnoException("writev", (int) -n, "");
        }
        return n;
    }

    /** {@code readv} into or {@code writev} from a heap array through JNI, the array pinned for the one call. */
    private long arrayPages(byte[] array, int offset, int pages, int pageSize, boolean writing) throws ErrnoException {
        if (offset < 0 || (long) offset + (long) pages * pageSize > array.length) {
            throw new IndexOutOfBoundsException(pages + " pages of " + pageSize + " from " + offset + " do not fit "
                    + array.length + " bytes");
        }
        // at most 64 iovecs a call (a stack array in C); the caller asks again for the rest
        int count = Math.min(pages, 64);
        long n = writing ? JniPageCalls.writevArray0(fd, array, offset, count, pageSize)
                : JniPageCalls.readvArray0(fd, array, offset, count, pageSize);
        if (n < 0) {
            throw new ErrnoException(writing ? "writev" : "readv", (int) -n, "");
        }
        return n;
    }

    @Override
    public long writev(ByteBuffer src, int length) throws ErrnoException {
        int count = Math.min(MAX_IOV, src.remaining() / length);
        if (!direct || count < 2) {
            return SnapshotDevice.super.writev(src, length);
        }
        ioView.put(0, src, src.position(), count * length);
        long n = vectored(count, length, true);
        src.position(src.position() + (int) n);
        return n;
    }

    /** {@code readv} or {@code writev} of {@code count} iovecs over {@link #io}, through this device's binding. */
    private long vectored(int count, int length, boolean writing) throws ErrnoException {
        long iovAddress = iovecs(count, length);
        String call = writing ? "writev" : "readv";
        if (jni) {
            long n = writing ? JniPageCalls.writev0(fd, iovAddress, count) : JniPageCalls.readv0(fd, iovAddress, count);
            if (n < 0) {
                throw new ErrnoException(call, (int) -n, "");
            }
            return n;
        }
        try {
            return writing ? DirectLibC.writev(fd, iovAddress, count) : DirectLibC.readv(fd, iovAddress, count);
        } catch (com.sun.jna.LastErrorException e) {
            throw new ErrnoException(call, e.getErrorCode(), "");
        }
    }

    /** The address of {@code count} iovecs of {@code length} bytes over {@link #io}, filled once per length. */
    private long iovecs(int count, int length) {
        Memory m = io(count * length);
        if (iovLength != length || iovOver != m) {
            long base = com.sun.jna.Pointer.nativeValue(m);
            for (int i = 0; i < MAX_IOV && (long) (i + 1) * length <= m.size(); i++) {
                iov.setLong(16L * i, base + (long) i * length);
                iov.setLong(16L * i + 8, length);
            }
            iovLength = length;
            iovOver = m;
        }
        return com.sun.jna.Pointer.nativeValue(iov);
    }

    @Override
    public int write(ByteBuffer src) throws ErrnoException {
        Memory m = io(Math.max(1, src.remaining()));
        ioView.put(0, src, src.position(), src.remaining());
        long n;
        if (direct) {
            try {
                n = DirectLibC.write(fd, com.sun.jna.Pointer.nativeValue(m), src.remaining());
            } catch (com.sun.jna.LastErrorException e) {
                throw new ErrnoException("write", e.getErrorCode(), "");
            }
        } else {
            n = libc.write(fd, m, new NativeLong(src.remaining())).longValue();
            if (n < 0) {
                throw new ErrnoException("write", Native.getLastError(), "");
            }
        }
        src.position(src.position() + (int) n);
        return (int) n;
    }

    @Override
    public void freeze() throws ErrnoException {
        none(SnapshotIoctl.FREEZE);
    }

    @Override
    public void unfreeze() throws ErrnoException {
        none(SnapshotIoctl.UNFREEZE);
    }

    @Override
    public int createImage() throws ErrnoException {
        return out(SnapshotIoctl.CREATE_IMAGE).getInt(0);
    }

    @Override
    public void atomicRestore() throws ErrnoException {
        none(SnapshotIoctl.ATOMIC_RESTORE);
    }

    /**
     * True where the JNI library loads (unless {@value #BINDING_PROPERTY}{@code =jna}): FREEZE and ATOMIC_RESTORE are
     * then one native call, so no Java code runs while the JVM's other threads are frozen.
     */
    @Override
    public boolean freezesAndRestoresAtOnce() {
        return direct && mode == Mode.RESTORE && !"jna".equals(System.getProperty(BINDING_PROPERTY))
                && JniPageCalls.isAvailable();
    }

    @Override
    public void freezeAndRestore() throws ErrnoException {
        if (!freezesAndRestoresAtOnce()) {
            SnapshotDevice.super.freezeAndRestore();
            return;
        }
        long r = -JniPageCalls.freezeAndRestore0(fd, request(SnapshotIoctl.FREEZE),
                request(SnapshotIoctl.ATOMIC_RESTORE));
        if ((r >>> 32) != 0) {
            fd = -1; // closed by the native call, which thawed the processes
            throw new ErrnoException("SNAPSHOT_ATOMIC_RESTORE", (int) (r & 0xffffffffL),
                    "(the device was closed, which thawed the processes)");
        }
        throw new ErrnoException("SNAPSHOT_FREEZE", (int) r, "");
    }

    @Override
    public void free() throws ErrnoException {
        none(SnapshotIoctl.FREE);
    }

    @Override
    public void prefImageSize(long bytes) throws ErrnoException {
        value(SnapshotIoctl.PREF_IMAGE_SIZE, bytes);
    }

    @Override
    public long imageSize() throws ErrnoException {
        return outLong(SnapshotIoctl.GET_IMAGE_SIZE);
    }

    @Override
    public long availSwapSize() throws ErrnoException {
        return outLong(SnapshotIoctl.AVAIL_SWAP_SIZE);
    }

    @Override
    public long allocSwapPage() throws ErrnoException {
        return outLong(SnapshotIoctl.ALLOC_SWAP_PAGE);
    }

    @Override
    public void freeSwapPages() throws ErrnoException {
        none(SnapshotIoctl.FREE_SWAP_PAGES);
    }

    @Override
    public void setSwapArea(long offset, int dev) throws ErrnoException {
        arg.clear();
        arg.getByteBuffer(0, 12).order(ByteOrder.nativeOrder()).putLong(0, offset).putInt(8, dev);
        check("SNAPSHOT_SET_SWAP_AREA", libc.ioctl(fd, new NativeLong(request(SnapshotIoctl.SET_SWAP_AREA)), arg));
    }

    @Override
    public void s2ram() throws ErrnoException {
        none(SnapshotIoctl.S2RAM);
    }

    @Override
    public void platformSupport(boolean enable) throws ErrnoException {
        value(SnapshotIoctl.PLATFORM_SUPPORT, enable ? 1 : 0);
    }

    @Override
    public void powerOff() throws ErrnoException {
        none(SnapshotIoctl.POWER_OFF);
    }

    @Override
    public void close() {
        if (fd >= 0) {
            libc.close(fd);
            fd = -1;
        }
    }
}
