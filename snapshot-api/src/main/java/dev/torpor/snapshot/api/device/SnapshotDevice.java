package dev.torpor.snapshot.api.device;

import java.io.Closeable;
import java.nio.ByteBuffer;

/**
 * The raw operations of an open {@code /dev/snapshot}: one method per ioctl plus {@code read}, {@code write}
 * and {@code close}. No sequencing is checked here — that is what the kernel (or the emulator) does; the
 * session API on top checks it first. Implementations: the real device (platform-linux) and the emulator.
 */
public interface SnapshotDevice extends Closeable {

    /** How the device was opened: O_RDONLY to hibernate (read the image), O_WRONLY to restore (write it). */
    enum Mode { HIBERNATE, RESTORE }

    Mode mode();

    /** {@code read(2)}: bytes copied into {@code dst}; 0 at the end of the image. */
    int read(ByteBuffer dst) throws ErrnoException;

    /** {@code write(2)}: bytes taken from {@code src}; 0 once the image is complete. */
    int write(ByteBuffer src) throws ErrnoException;

    /**
     * {@code readv(2)} into {@code dst} with iovecs of {@code iovLength} bytes, as many as fit: the device has only
     * {@code .read}, so the kernel's VFS calls it once per iovec and stops at the first short one, and one call
     * moves up to that many pages. Returns the bytes read (0 at the end of the image); an error after some bytes
     * ends the call with those bytes, as the VFS does. This default does exactly that with {@link #read}.
     */
    default long readv(ByteBuffer dst, int iovLength) throws ErrnoException {
        return perIovec(dst, iovLength, false);
    }

    /**
     * {@code readv(2)} of up to {@code pages} iovecs of {@code pageSize} bytes straight into {@code dst} from
     * {@code offset}, with the rules of {@link #readv}; returns the bytes read (0 at the end of the image). The real
     * device reads into the array itself, with no copy between; this default wraps it for {@link #readv}.
     */
    default long readPagesInto(byte[] dst, int offset, int pages, int pageSize) throws ErrnoException {
        return readv(java.nio.ByteBuffer.wrap(dst, offset, pages * pageSize), pageSize);
    }

    /**
     * {@code writev(2)} of {@code src} with iovecs of {@code iovLength} bytes, as many as {@code src} holds: the device
     * has only {@code .write}, so the kernel's VFS calls it once per iovec and stops at the first short one (0 once the
     * image is complete). Returns the bytes taken; an error after some bytes ends the call with those bytes, as the
     * VFS does. This default does exactly that with {@link #write}.
     */
    default long writev(ByteBuffer src, int iovLength) throws ErrnoException {
        return perIovec(src, iovLength, true);
    }

    /**
     * {@code writev(2)} of up to {@code pages} iovecs of {@code pageSize} bytes straight from {@code src} at
     * {@code offset}, with the rules of {@link #writev}; returns the bytes taken (0 once the image is complete). The
     * real device writes from the array itself, with no copy between; this default wraps it for {@link #writev}.
     */
    default long writePagesFrom(byte[] src, int offset, int pages, int pageSize) throws ErrnoException {
        return writev(java.nio.ByteBuffer.wrap(src, offset, pages * pageSize), pageSize);
    }

    /**
     * As {@link #writePagesFrom(byte[], int, int, int)}, from {@code src} (heap or direct) at byte {@code offset},
     * its position and limit ignored. The real device writes a direct buffer where it lies, with nothing pinned.
     */
    default long writePagesFrom(ByteBuffer src, int offset, int pages, int pageSize) throws ErrnoException {
        return writev(src.duplicate().limit(offset + pages * pageSize).position(offset), pageSize);
    }

    /** The VFS's loop over iovecs for a device with only {@code .read} and {@code .write}: one call per iovec. */
    private long perIovec(ByteBuffer b, int iovLength, boolean writing) throws ErrnoException {
        long total = 0;
        while (b.remaining() >= iovLength) {
            int limit = b.limit();
            b.limit(b.position() + iovLength);
            int n;
            try {
                n = writing ? write(b) : read(b);
            } catch (ErrnoException e) {
                if (total == 0) {
                    throw e;
                }
                return total;
            } finally {
                b.limit(limit);
            }
            total += n;
            if (n != iovLength) {
                break;
            }
        }
        return total;
    }

    void freeze() throws ErrnoException;

    void unfreeze() throws ErrnoException;

    /** CREATE_IMAGE: 1 in the kernel that just made the image, 0 when it returns in the resumed system. */
    int createImage() throws ErrnoException;

    void atomicRestore() throws ErrnoException;

    /**
     * Whether {@link #freezeAndRestore()} runs nothing of the caller's runtime between FREEZE and ATOMIC_RESTORE (a
     * native call makes both): the caller's other threads may then be frozen wherever they are, and it need not bring
     * them to rest first.
     */
    default boolean freezesAndRestoresAtOnce() {
        return false;
    }

    /**
     * FREEZE, then ATOMIC_RESTORE; on a real machine a successful restore does not return. If the restore fails its
     * error is thrown, after an UNFREEZE (which the kernel ignores once an image is loaded: closing the device thaws).
     */
    default void freezeAndRestore() throws ErrnoException {
        freeze();
        try {
            atomicRestore();
        } catch (ErrnoException e) {
            try {
                unfreeze();
            } catch (ErrnoException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    void free() throws ErrnoException;

    /** PREF_IMAGE_SIZE, in bytes. */
    void prefImageSize(long bytes) throws ErrnoException;

    /** GET_IMAGE_SIZE: bytes of the image stream. */
    long imageSize() throws ErrnoException;

    /** AVAIL_SWAP_SIZE: free bytes in the selected swap area. */
    long availSwapSize() throws ErrnoException;

    /** ALLOC_SWAP_PAGE: byte offset on the swap device of a newly allocated page. */
    long allocSwapPage() throws ErrnoException;

    void freeSwapPages() throws ErrnoException;

    /** SET_SWAP_AREA: the swap area whose header is at page {@code offset} of device {@code dev}. */
    void setSwapArea(long offset, int dev) throws ErrnoException;

    void s2ram() throws ErrnoException;

    void platformSupport(boolean enable) throws ErrnoException;

    /** POWER_OFF: enters S4 when platform support is set (does not return); otherwise returns and does nothing. */
    void powerOff() throws ErrnoException;

    /**
     * The raw {@code ioctl(2)} as a program issues it: the full request number and its argument, either by
     * value or through {@code arg} (native byte order; the kernel reads or writes it). Returns ioctl's result.
     * The kernel checks the type ('3') and number first (ENOTTY), then CAP_SYS_ADMIN (EPERM), then dispatches on
     * the whole 32-bit value: a known number with another size or direction is ENOTTY too.
     */
    default long ioctl(long request, long value, java.nio.ByteBuffer arg) throws ErrnoException {
        throw new ErrnoException("ioctl", Errno.ENOTTY, "raw requests are not supported by this device");
    }

    // ---- the 2.6.17 requests, accepted until 3.5; newer kernels answer ENOTTY ----------------------------------

    /** SNAPSHOT_ATOMIC_SNAPSHOT: the old CREATE_IMAGE. */
    default int atomicSnapshot() throws ErrnoException {
        throw new ErrnoException(SnapshotIoctl.ATOMIC_SNAPSHOT, Errno.ENOTTY, "not supported by this kernel");
    }

    /** SNAPSHOT_SET_IMAGE_SIZE: the old PREF_IMAGE_SIZE, bytes by value. */
    default void setImageSize(long bytes) throws ErrnoException {
        throw new ErrnoException(SnapshotIoctl.SET_IMAGE_SIZE, Errno.ENOTTY, "not supported by this kernel");
    }

    /** SNAPSHOT_AVAIL_SWAP: the old AVAIL_SWAP_SIZE. */
    default long availSwap() throws ErrnoException {
        throw new ErrnoException(SnapshotIoctl.AVAIL_SWAP, Errno.ENOTTY, "not supported by this kernel");
    }

    /** SNAPSHOT_GET_SWAP_PAGE: the old ALLOC_SWAP_PAGE. */
    default long getSwapPage() throws ErrnoException {
        throw new ErrnoException(SnapshotIoctl.GET_SWAP_PAGE, Errno.ENOTTY, "not supported by this kernel");
    }

    /** SNAPSHOT_SET_SWAP_FILE: selects the swap device by its old-style 16-bit number ({@code major << 8 | minor}). */
    default void setSwapFile(int oldDev) throws ErrnoException {
        throw new ErrnoException(SnapshotIoctl.SET_SWAP_FILE, Errno.ENOTTY, "not supported by this kernel");
    }

    /** SNAPSHOT_PMOPS: PREPARE (1), ENTER (2) or FINISH (3) of the platform operations. */
    default void pmops(int op) throws ErrnoException {
        throw new ErrnoException(SnapshotIoctl.PMOPS, Errno.ENOTTY, "not supported by this kernel");
    }

    /** {@code PMOPS_PREPARE}, {@code PMOPS_ENTER}, {@code PMOPS_FINISH}. */
    int PMOPS_PREPARE = 1;
    int PMOPS_ENTER = 2;
    int PMOPS_FINISH = 3;

    @Override
    void close();

    /** The device number {@code SET_SWAP_AREA} takes ({@code new_encode_dev}). */
    static int encodeDev(int major, int minor) {
        return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
    }
}
