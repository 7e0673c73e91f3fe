package dev.torpor.snapshot.api.session;

import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Hibernating through a device opened read-only: select the swap area, set the preferred image size and
 * platform mode, freeze, create the image — then, in the kernel that made it, read it out page by page and
 * power off; or, when {@code createImage} returns in the resumed system, free and unfreeze. Calls out of order
 * are refused with {@link IllegalStateException} before the device sees them.
 */
public final class SuspendSession implements Closeable {

    /** Where the session is. */
    public enum State { OPEN, FROZEN, IMAGE_CREATED, RESUMED, POWERED_OFF, CLOSED }

    /** What {@link #createImage()} found. */
    public enum Outcome {
        /** The image exists (in_suspend = 1): read it, store it, power off. */
        CREATED,
        /** The call returned in the resumed system (in_suspend = 0): free, unfreeze, carry on. */
        RESUMED
    }

    private final SnapshotDevice device;
    /** Pages per {@code readv}: 32 iovecs of a page cost about one call. */
    public static final int BATCH_PAGES = 32;
    private final int pageSize;
    private State state = State.OPEN;
    private boolean swapAllocated;
    private long pagesRead;
    private boolean endOfImage;
    /**
     * Pages read ahead with one {@code readv} (the kernel serves one page per iovec), allocated with the session:
     * once the system is frozen nothing may need a collection.
     */
    private final ByteBuffer batch;

    public SuspendSession(SnapshotDevice device, int pageSize) {
        if (device.mode() != SnapshotDevice.Mode.HIBERNATE) {
            throw new IllegalArgumentException("a suspend session needs the device opened read-only (O_RDONLY)");
        }
        this.device = device;
        this.pageSize = pageSize;
        this.batch = ByteBuffer.allocate(BATCH_PAGES * pageSize).limit(0);
    }

    public State state() {
        return state;
    }

    private static final Set<State> OPEN_FROZEN =
            Collections.unmodifiableSet(EnumSet.of(State.OPEN, State.FROZEN));
    private static final Set<State> OPEN =
            Collections.unmodifiableSet(EnumSet.of(State.OPEN));
    private static final Set<State> FROZEN =
            Collections.unmodifiableSet(EnumSet.of(State.FROZEN));
    private static final Set<State> IMAGE_CREATED_POWERED_OFF =
            Collections.unmodifiableSet(EnumSet.of(State.IMAGE_CREATED, State.POWERED_OFF));
    private static final Set<State> IMAGE_CREATED =
            Collections.unmodifiableSet(EnumSet.of(State.IMAGE_CREATED));
    private static final Set<State> OPEN_FROZEN_IMAGE_CREATED =
            Collections.unmodifiableSet(EnumSet.of(State.OPEN, State.FROZEN, State.IMAGE_CREATED));
    private static final Set<State> OPEN_FROZEN_IMAGE_CREATED_RESUMED =
            Collections.unmodifiableSet(EnumSet.of(State.OPEN, State.FROZEN, State.IMAGE_CREATED, State.RESUMED));
    private static final Set<State> IMAGE_CREATED_FROZEN =
            Collections.unmodifiableSet(EnumSet.of(State.IMAGE_CREATED, State.FROZEN));
    private static final Set<State> IMAGE_CREATED_RESUMED_FROZEN =
            Collections.unmodifiableSet(EnumSet.of(State.IMAGE_CREATED, State.RESUMED, State.FROZEN));

    /** Throws unless the session is in one of {@code allowed}; allocates nothing (two calls run once per page). */
    private void require(String call, Set<State> allowed) {
        if (!allowed.contains(state)) {
            throw new IllegalStateException(call + " is not allowed now: the session is " + state + " (allowed in "
                    + allowed + ")");
        }
    }

    /** SET_SWAP_AREA: before any swap page is allocated. */
    public void setSwapArea(long offset, int dev) throws ErrnoException {
        require("setSwapArea", OPEN_FROZEN);
        if (swapAllocated) {
            throw new IllegalStateException("setSwapArea after swap pages were allocated (the kernel says EPERM)");
        }
        device.setSwapArea(offset, dev);
    }

    /** PREF_IMAGE_SIZE, before the image is created. */
    public void prefImageSize(long bytes) throws ErrnoException {
        require("prefImageSize", OPEN_FROZEN);
        if (bytes < 0) {
            throw new IllegalArgumentException("image size must not be negative");
        }
        device.prefImageSize(bytes);
    }

    /** PLATFORM_SUPPORT, before the image is created. */
    public void platformSupport(boolean enable) throws ErrnoException {
        require("platformSupport", OPEN_FROZEN);
        device.platformSupport(enable);
    }

    public void freeze() throws ErrnoException {
        require("freeze", OPEN);
        device.freeze();
        state = State.FROZEN;
    }

    public Outcome createImage() throws ErrnoException {
        require("createImage", FROZEN);
        int inSuspend = device.createImage();
        // a new image (after an ENOSPC retry too): nothing of the last one is left to read
        endOfImage = false;
        pagesRead = 0;
        batch.clear().limit(0);
        state = inSuspend != 0 ? State.IMAGE_CREATED : State.RESUMED;
        return inSuspend != 0 ? Outcome.CREATED : Outcome.RESUMED;
    }

    /**
     * Continues in the resumed system: the process whose image was restored sees {@code CREATE_IMAGE} return
     * with 0. Use on the session (and device) of that process.
     */
    public Outcome resumedFromCreateImage() throws ErrnoException {
        require("resumedFromCreateImage", IMAGE_CREATED_POWERED_OFF);
        int inSuspend = device.createImage();
        if (inSuspend != 0) {
            throw new IllegalStateException("CREATE_IMAGE returned " + inSuspend + ": the system did not resume");
        }
        state = State.RESUMED;
        return Outcome.RESUMED;
    }

    public long imageSize() throws ErrnoException {
        require("imageSize", IMAGE_CREATED);
        return device.imageSize();
    }

    public long availSwapSize() throws ErrnoException {
        require("availSwapSize", OPEN_FROZEN_IMAGE_CREATED);
        return device.availSwapSize();
    }

    /** ALLOC_SWAP_PAGE: the byte offset on the swap device of a newly allocated page. */
    public long allocSwapPage() throws ErrnoException {
        require("allocSwapPage", OPEN_FROZEN_IMAGE_CREATED);
        long offset = device.allocSwapPage();
        swapAllocated = true;
        return offset;
    }

    public void freeSwapPages() throws ErrnoException {
        require("freeSwapPages", OPEN_FROZEN_IMAGE_CREATED_RESUMED);
        device.freeSwapPages();
        swapAllocated = false;
    }

    /**
     * The next page of the image (a fresh buffer), or {@code null} after the last. Reads whole pages: the
     * device never returns more than the rest of the current page per call.
     */
    public ByteBuffer readPage() throws ErrnoException {
        return readPage(ByteBuffer.allocate(pageSize));
    }

    /**
     * As {@link #readPage()}, into {@code page} (a page-sized buffer the caller reuses, so that storing an image
     * allocates nothing per page); returns it flipped, or {@code null} after the last page.
     */
    public ByteBuffer readPage(ByteBuffer page) throws ErrnoException {
        require("readPage", IMAGE_CREATED);
        if (page.capacity() != pageSize) {
            throw new IllegalArgumentException("the buffer holds " + page.capacity() + " bytes, not a " + pageSize
                    + "-byte page");
        }
        if (!filled()) {
            return null;
        }
        page.clear();
        page.put(0, batch, batch.position(), pageSize).position(pageSize);
        batch.position(batch.position() + pageSize);
        pagesRead++;
        return page.flip();
    }

    /**
     * Up to {@code pages} next pages of the image into {@code dst} from {@code offset}: first what is left of the
     * batch {@link #readPage} read ahead, then straight from the device into {@code dst} with {@code readv}
     * ({@link SnapshotDevice#readPagesInto}: no buffer between); returns how many, 0 after the last page.
     */
    public int readPages(byte[] dst, int offset, int pages) throws ErrnoException {
        require("readPages", IMAGE_CREATED);
        if (pages < 0 || offset < 0 || offset > dst.length || (long) pages * pageSize > dst.length - offset) {
            throw new IndexOutOfBoundsException(pages + " pages from " + offset + " do not fit " + dst.length
                    + " bytes");
        }
        int done = 0;
        if (batch.hasRemaining()) {
            int n = Math.min(pages, batch.remaining() / pageSize);
            batch.get(dst, offset, n * pageSize);
            done = n;
        }
        while (done < pages && !endOfImage) {
            long n = device.readPagesInto(dst, offset + done * pageSize, pages - done, pageSize);
            if (n % pageSize != 0) {
                throw new ErrnoException("read", 5, "the image ended inside a page");
            }
            if (n == 0) {
                endOfImage = true;
            }
            done += (int) (n / pageSize);
        }
        pagesRead += done;
        return done;
    }

    /** Whether the batch holds a page, reading the next batch from the device when it is used up. */
    private boolean filled() throws ErrnoException {
        if (endOfImage) {
            return false;
        }
        if (!batch.hasRemaining()) {
            batch.clear();
            long n = device.readv(batch, pageSize);
            batch.flip();
            if (n % pageSize != 0) {
                throw new ErrnoException("read", 5, "the image ended inside a page");
            }
            if (n == 0) {
                endOfImage = true;
                return false;
            }
        }
        return true;
    }

    /** Pages read so far. */
    public long pagesRead() {
        return pagesRead;
    }

    /** POWER_OFF (with platform support; otherwise the caller must power off itself, e.g. with reboot(2)). */
    public void powerOff() throws ErrnoException {
        require("powerOff", IMAGE_CREATED);
        device.powerOff();
        state = State.POWERED_OFF;
    }

    /** S2RAM: suspend to RAM with the image made (suspend-to-both). */
    public void s2ram() throws ErrnoException {
        require("s2ram", IMAGE_CREATED_FROZEN);
        device.s2ram();
    }

    /** FREE: drop the image (after a failed write, or in the resumed system). */
    public void free() throws ErrnoException {
        require("free", IMAGE_CREATED_RESUMED_FROZEN);
        device.free();
        state = State.FROZEN;
    }

    /** UNFREEZE: only after {@link #free()} once an image exists (the kernel would silently ignore it). */
    public void unfreeze() throws ErrnoException {
        require("unfreeze", FROZEN);
        device.unfreeze();
        state = State.OPEN;
    }

    @Override
    public void close() {
        device.close();
        state = State.CLOSED;
    }
}
