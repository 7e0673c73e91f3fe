package dev.torpor.snapshot.api.emulator;

import dev.torpor.snapshot.api.PfnMetadata;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;
import dev.torpor.snapshot.api.device.SnapshotIoctl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulated {@code /dev/snapshot} as one opener sees it ({@code kernel/power/user.c}): the state
 * ({@code frozen}, {@code ready}, {@code platform_support}, the selected swap area), every ioctl's
 * preconditions and errno, and {@code read}/{@code write} driven by page boundaries exactly as the kernel does,
 * quirks included (a read that stops inside a page gets {@code P − 2·o} more bytes; before 5.16 writes do too).
 */
public final class EmulatedSnapshotDevice implements SnapshotDevice {
    private final EmulatedMachine machine;
    private final Mode mode;
    private final int pageSize;
    private boolean closed;
    private boolean frozen;
    private boolean ready;
    private boolean platformSupport;
    private EmulatedSwap swap;
    private long imageSizePref = -1;
    private long pos;
    // hibernate side
    private SnapshotImage image;
    private long readCursor = -1;
    private byte[] readBuffer;
    private long fingerprint;
    private boolean resumedHere;
    private boolean returnZeroFromCreateImage;
    // restore side
    private RestoreStreamLoader restore;

    EmulatedSnapshotDevice(EmulatedMachine machine, Mode mode) {
        this.machine = machine;
        this.mode = mode;
        this.pageSize = machine.profile().pageSize();
        if (mode == Mode.RESTORE) {
            restore = new RestoreStreamLoader(machine, pageSize);
        }
    }

    @Override
    public Mode mode() {
        return mode;
    }

    void selectSwap(EmulatedSwap s) {
        swap = s;
    }

    boolean resumedHere() {
        return resumedHere;
    }

    /** After the restore of this process's image: frozen and ready, its CREATE_IMAGE about to return 0. */
    void revive() {
        closed = false;
        frozen = true;
        ready = true;
        resumedHere = true;
        returnZeroFromCreateImage = true;
        pos = 0;
    }

    /** Whether the processes are frozen (for tests and dry runs). */
    public boolean frozen() {
        return frozen;
    }

    /** Bytes written into the device so far (restore side), as the file position {@code write()} advanced. */
    public long bytesWritten() {
        return mode() == Mode.RESTORE ? pos : 0;
    }

    /** Whether an image is ready to be read (or was just restored). */
    public boolean ready() {
        return ready;
    }

    public boolean platformSupportEnabled() {
        return platformSupport;
    }

    // ---- ioctls ---------------------------------------------------------------------------------------------------

    private void prologue(SnapshotIoctl op) throws ErrnoException {
        if (closed) {
            throw new ErrnoException(op, Errno.EBADF, "the device is closed");
        }
        machine.requireOn("SNAPSHOT_" + op.name());
        if (!machine.capSysAdmin()) {
            throw new ErrnoException(op, Errno.EPERM, "CAP_SYS_ADMIN is required");
        }
    }

    @Override
    public long ioctl(long request, long value, ByteBuffer arg) throws ErrnoException {
        if (closed) {
            throw new ErrnoException("ioctl", Errno.EBADF, "the device is closed");
        }
        machine.requireOn("ioctl");
        KernelProfile k = machine.profile();
        int type = (int) ((request >> 8) & 0xff);
        int nr = (int) (request & 0xff);
        int maxNr = k.currentIoctls() ? 20 : 13;
        if (type != SnapshotIoctl.TYPE || nr > maxNr) {
            throw new ErrnoException(String.format("ioctl 0x%08x", request), Errno.ENOTTY, "not a snapshot request");
        }
        if (!machine.capSysAdmin()) {
            throw new ErrnoException(String.format("ioctl 0x%08x", request), Errno.EPERM,
                    "CAP_SYS_ADMIN is required");
        }
        SnapshotIoctl op = SnapshotIoctl.decode(request, dev.torpor.snapshot.api.device.IoctlAbi.of(k.target().arch()),
                k.target().wordSize(), k.legacyIoctls(), k.currentIoctls()).orElseThrow(() -> new ErrnoException(
                String.format("ioctl 0x%08x", request), Errno.ENOTTY, "no request of this kernel has that number"));
        ByteBuffer a = arg == null ? null : arg.duplicate().order(k.target().byteOrder().nio());
        return RawIoctl.dispatch(this, op, value, a);
    }

    /** The prologue of a request numbered 14–20, which kernels before ≈2.6.25 do not know. */
    private void currentPrologue(SnapshotIoctl op) throws ErrnoException {
        prologue(op);
        if (!machine.profile().currentIoctls()) {
            throw new ErrnoException(op, Errno.ENOTTY, "this kernel predates request " + op.nr());
        }
    }

    private void requireLegacy(SnapshotIoctl op) throws ErrnoException {
        prologue(op);
        if (!machine.profile().legacyIoctls()) {
            throw new ErrnoException(op, Errno.ENOTTY, "removed in 3.6");
        }
    }

    @Override
    public int atomicSnapshot() throws ErrnoException {
        requireLegacy(SnapshotIoctl.ATOMIC_SNAPSHOT);
        return createImageChecked(SnapshotIoctl.ATOMIC_SNAPSHOT);
    }

    @Override
    public void setImageSize(long bytes) throws ErrnoException {
        requireLegacy(SnapshotIoctl.SET_IMAGE_SIZE);
        imageSizePref = bytes;
    }

    @Override
    public long availSwap() throws ErrnoException {
        requireLegacy(SnapshotIoctl.AVAIL_SWAP);
        return swap == null ? 0 : swap.freePages() * pageSize;
    }

    @Override
    public long getSwapPage() throws ErrnoException {
        requireLegacy(SnapshotIoctl.GET_SWAP_PAGE);
        return allocate(SnapshotIoctl.GET_SWAP_PAGE);
    }

    @Override
    public void setSwapFile(int oldDev) throws ErrnoException {
        requireLegacy(SnapshotIoctl.SET_SWAP_FILE);
        if (swap != null && swap.anyAllocated()) {
            throw new ErrnoException(SnapshotIoctl.SET_SWAP_FILE, Errno.EPERM, "swap pages are allocated");
        }
        if (oldDev == 0) {
            throw new ErrnoException(SnapshotIoctl.SET_SWAP_FILE, Errno.EINVAL, "no device");
        }
        int major = (oldDev >> 8) & 0xff;
        int minor = oldDev & 0xff;
        swap = machine.swapOf(SnapshotDevice.encodeDev(major, minor), 0).orElseThrow(() -> new ErrnoException(
                SnapshotIoctl.SET_SWAP_FILE, Errno.ENODEV, "not an active swap device"));
    }

    @Override
    public void pmops(int op) throws ErrnoException {
        requireLegacy(SnapshotIoctl.PMOPS);
        switch (op) {
            case PMOPS_PREPARE:
                platformSupport = true;
                break;
            case PMOPS_ENTER:
                if (platformSupport) {
                    machine.powerOff();
                    closed = true;
                }
                break;
            case PMOPS_FINISH:
                break;
            default:
                throw new ErrnoException(SnapshotIoctl.PMOPS, Errno.EINVAL, "unknown platform operation " + op);
        }
    }

    @Override
    public void freeze() throws ErrnoException {
        prologue(SnapshotIoctl.FREEZE);
        if (frozen) {
            return;
        }
        if (machine.takeFreezeFailure()) {
            throw new ErrnoException(SnapshotIoctl.FREEZE, Errno.EBUSY, "a task refused to freeze");
        }
        frozen = true;
    }

    @Override
    public void unfreeze() throws ErrnoException {
        prologue(SnapshotIoctl.UNFREEZE);
        if (!frozen || ready) {
            return;
        }
        frozen = false;
    }

    @Override
    public int createImage() throws ErrnoException {
        currentPrologue(SnapshotIoctl.CREATE_IMAGE);
        return createImageChecked(SnapshotIoctl.CREATE_IMAGE);
    }

    private int createImageChecked(SnapshotIoctl op) throws ErrnoException {
        if (returnZeroFromCreateImage) {
            returnZeroFromCreateImage = false;
            return 0;
        }
        if (mode != Mode.HIBERNATE || !frozen || ready) {
            throw new ErrnoException(op, Errno.EPERM, mode != Mode.HIBERNATE
                    ? "the device is open for restoring" : !frozen ? "processes are not frozen"
                    : "an image is already made");
        }
        image = snapshot();
        fingerprint = image.fingerprint();
        readCursor = -1;
        pos = 0;
        ready = true;
        machine.createdImage(this);
        return 1;
    }

    /** The atomic copy: every used page, reclaimable pages dropped while the image exceeds the preferred size. */
    private SnapshotImage snapshot() {
        EmulatedMemory m = machine.memory();
        TargetProfile t = machine.profile().target();
        if (imageSizePref >= 0) {
            long saved = m.count(EmulatedMemory.State.USED) + m.count(EmulatedMemory.State.RECLAIMABLE);
            for (long pfn = 0; pfn < m.presentPages() && bytesFor(saved, t) > imageSizePref; pfn++) {
                if (m.state(pfn) == EmulatedMemory.State.RECLAIMABLE) {
                    m.free(pfn);
                    saved--;
                }
            }
        }
        List<Long> pfns = new ArrayList<>();
        Map<Long, byte[]> copies = new HashMap<>();
        for (long pfn = 0; pfn < m.presentPages(); pfn++) {
            if (m.state(pfn) != EmulatedMemory.State.FREE) {
                pfns.add(pfn);
                byte[] d = m.get(pfn);
                if (!machine.profile().zeroPages() || !EmulatedMemory.isZero(d)) {
                    copies.put(pfn, d);
                }
            }
        }
        return new SnapshotImage(machine.profile(), m.presentPages(), e820Checksum(), pfns, copies);
    }

    private static long bytesFor(long pages, TargetProfile t) {
        return (pages + PfnMetadata.pagesFor(pages, t) + 1) * t.pageSize();
    }

    /** What the emulated firmware's memory map checksums to ({@link RestoreStreamLoader#e820Checksum}). */
    long e820Checksum() {
        return RestoreStreamLoader.e820Checksum(machine.memory().presentPages());
    }

    @Override
    public void atomicRestore() throws ErrnoException {
        prologue(SnapshotIoctl.ATOMIC_RESTORE);
        if (machine.profile().trailingZeroDrain() && restore != null) {
            restore.finalizeWrite();
        }
        if (mode != Mode.RESTORE || !frozen || !restore.loaded()) {
            throw new ErrnoException(SnapshotIoctl.ATOMIC_RESTORE, Errno.EPERM, mode != Mode.RESTORE
                    ? "the device is open for hibernating" : !frozen ? "processes are not frozen"
                    : "the image is not completely loaded");
        }
        closed = true;
        machine.restore(restore.pages);
    }

    @Override
    public void free() throws ErrnoException {
        prologue(SnapshotIoctl.FREE);
        image = null;
        readCursor = -1;
        readBuffer = null;
        pos = 0;
        ready = false;
        resumedHere = false;
    }

    @Override
    public void prefImageSize(long bytes) throws ErrnoException {
        currentPrologue(SnapshotIoctl.PREF_IMAGE_SIZE);
        imageSizePref = bytes;
    }

    @Override
    public long imageSize() throws ErrnoException {
        currentPrologue(SnapshotIoctl.GET_IMAGE_SIZE);
        if (!ready || image == null) {
            throw new ErrnoException(SnapshotIoctl.GET_IMAGE_SIZE, Errno.ENODATA, "no image has been made");
        }
        return image.pages() * pageSize;
    }

    @Override
    public long availSwapSize() throws ErrnoException {
        currentPrologue(SnapshotIoctl.AVAIL_SWAP_SIZE);
        return swap == null ? 0 : swap.freePages() * pageSize;
    }

    @Override
    public long allocSwapPage() throws ErrnoException {
        currentPrologue(SnapshotIoctl.ALLOC_SWAP_PAGE);
        return allocate(SnapshotIoctl.ALLOC_SWAP_PAGE);
    }

    private long allocate(SnapshotIoctl op) throws ErrnoException {
        if (swap == null) {
            throw new ErrnoException(op, Errno.ENODEV, "no swap area selected");
        }
        long page = swap.allocate();
        if (page < 0) {
            throw new ErrnoException(op, Errno.ENOSPC, "the swap area is full");
        }
        return page * pageSize;
    }

    @Override
    public void freeSwapPages() throws ErrnoException {
        prologue(SnapshotIoctl.FREE_SWAP_PAGES);
        if (swap == null) {
            throw new ErrnoException(SnapshotIoctl.FREE_SWAP_PAGES, Errno.ENODEV, "no swap area selected");
        }
        swap.freeAll();
    }

    @Override
    public void setSwapArea(long offset, int dev) throws ErrnoException {
        prologue(SnapshotIoctl.SET_SWAP_AREA);
        if (swap != null && swap.anyAllocated()) {
            throw new ErrnoException(SnapshotIoctl.SET_SWAP_AREA, Errno.EPERM, "swap pages are allocated");
        }
        EmulatedSwap s = machine.swapOf(dev, offset).orElse(null);
        if (s == null) {
            throw new ErrnoException(SnapshotIoctl.SET_SWAP_AREA, dev == 0 ? Errno.EINVAL : Errno.ENODEV,
                    "no active swap area on that device at page " + offset);
        }
        swap = s;
    }

    @Override
    public void s2ram() throws ErrnoException {
        prologue(SnapshotIoctl.S2RAM);
        if (!frozen) {
            throw new ErrnoException(SnapshotIoctl.S2RAM, Errno.EPERM, "processes are not frozen");
        }
        ready = false;
    }

    @Override
    public void platformSupport(boolean enable) throws ErrnoException {
        currentPrologue(SnapshotIoctl.PLATFORM_SUPPORT);
        platformSupport = enable;
    }

    @Override
    public void powerOff() throws ErrnoException {
        currentPrologue(SnapshotIoctl.POWER_OFF);
        if (platformSupport) {
            machine.powerOff();
            closed = true;
        }
    }

    // ---- read and write ------------------------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws ErrnoException {
        requireOpen("read");
        if (mode != Mode.HIBERNATE) {
            throw new ErrnoException("read", Errno.EBADF, "the device is open for writing");
        }
        if (!ready || image == null) {
            throw new ErrnoException("read", Errno.ENODATA, "no image has been made");
        }
        if (!machine.profile().pageBoundaryIo()) {
            return readByCount(dst);
        }
        int pgOff = (int) (pos & (pageSize - 1));
        int avail;
        if (pgOff == 0) {
            readCursor++;
            if (readCursor >= image.pages()) {
                return 0;
            }
            readBuffer = image.page(readCursor);
            avail = pageSize;
        } else {
            avail = pageSize - pgOff;
        }
        int n = pgOff >= avail ? 0 : Math.min(dst.remaining(), avail - pgOff);
        dst.put(readBuffer, pgOff, n);
        pos += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws ErrnoException {
        requireOpen("write");
        if (mode != Mode.RESTORE) {
            throw new ErrnoException("write", Errno.EBADF, "the device is open for reading");
        }
        if (!machine.profile().pageBoundaryIo()) {
            return writeByCount(src);
        }
        int pgOff = (int) (pos & (pageSize - 1));
        int avail;
        if (pgOff == 0) {
            int res = restore.next();
            if (res <= 0) {
                return res;
            }
            avail = pageSize;
        } else {
            avail = machine.profile().partialWriteFix() ? pageSize : pageSize - pgOff;
        }
        int n = pgOff >= avail ? 0 : Math.min(src.remaining(), avail - pgOff);
        src.get(restore.buffer, pgOff, n);
        pos += n;
        return n;
    }

    /** 2.6.17–2.6.35: the cursor keeps its own offset; any chunking works, a call never crosses a page. */
    private int readByCount(ByteBuffer dst) {
        int pgOff = (int) (pos % pageSize);
        if (pgOff == 0 && dst.hasRemaining()) {
            readCursor++;
            if (readCursor >= image.pages()) {
                return 0;
            }
            readBuffer = image.page(readCursor);
        }
        if (readCursor >= image.pages()) {
            return 0;
        }
        int n = Math.min(dst.remaining(), pageSize - pgOff);
        dst.put(readBuffer, pgOff, n);
        pos += n;
        return n;
    }

    private int writeByCount(ByteBuffer src) throws ErrnoException {
        int pgOff = (int) (pos % pageSize);
        if (pgOff == 0 && src.hasRemaining()) {
            int res = restore.next();
            if (res <= 0) {
                return res;
            }
        }
        int n = Math.min(src.remaining(), pageSize - pgOff);
        src.get(restore.buffer, pgOff, n);
        pos += n;
        return n;
    }

    private void requireOpen(String op) throws ErrnoException {
        if (closed) {
            throw new ErrnoException(op, Errno.EBADF, "the device is closed");
        }
        machine.requireOn(op);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        image = null;
        ready = false;
        if (swap != null) {
            swap.freeAll();
        }
        frozen = false;
        machine.released(this);
    }

    /** The fingerprint of the image this process created (to recognise it when restored). */
    long imageFingerprint() {
        return fingerprint;
    }
}
