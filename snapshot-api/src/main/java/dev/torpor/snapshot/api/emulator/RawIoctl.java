package dev.torpor.snapshot.api.emulator;

import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.ErrnoException;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.SnapshotIoctl;

import java.nio.ByteBuffer;

/**
 * A raw {@code ioctl(2)} on the emulated device, once {@link SnapshotIoctl#decode} has named its request: the argument
 * read or written as the kernel's {@code snapshot_ioctl} does (by value, or through the pointer in the kernel's byte
 * order), and the call made through the device's own methods, so both ways share one state machine.
 */
final class RawIoctl {
    private RawIoctl() {
    }

    /** Runs {@code op} on {@code d} with {@code value} or {@code a}; returns the ioctl's result. */
    static long dispatch(SnapshotDevice d, SnapshotIoctl op, long value, ByteBuffer a) throws ErrnoException {
        switch (op) {
            case FREEZE: d.freeze(); return 0;
            case UNFREEZE: d.unfreeze(); return 0;
            case ATOMIC_RESTORE: d.atomicRestore(); return 0;
            case FREE: d.free(); return 0;
            case FREE_SWAP_PAGES: d.freeSwapPages(); return 0;
            case S2RAM: d.s2ram(); return 0;
            case POWER_OFF: d.powerOff(); return 0;
            case PLATFORM_SUPPORT: d.platformSupport(value != 0); return 0;
            case PREF_IMAGE_SIZE: d.prefImageSize(value); return 0;
            case SET_IMAGE_SIZE: d.setImageSize(value); return 0;
            case SET_SWAP_FILE: d.setSwapFile((int) value); return 0;
            case PMOPS: d.pmops((int) value); return 0;
            case CREATE_IMAGE: a.putInt(0, d.createImage()); return 0;
            case ATOMIC_SNAPSHOT: a.putInt(0, d.atomicSnapshot()); return 0;
            case GET_IMAGE_SIZE: a.putLong(0, d.imageSize()); return 0;
            case AVAIL_SWAP_SIZE: a.putLong(0, d.availSwapSize()); return 0;
            case AVAIL_SWAP: a.putLong(0, d.availSwap()); return 0;
            case ALLOC_SWAP_PAGE: a.putLong(0, d.allocSwapPage()); return 0;
            case GET_SWAP_PAGE: a.putLong(0, d.getSwapPage()); return 0;
            case SET_SWAP_AREA: d.setSwapArea(a.getLong(0), a.getInt(8)); return 0;
            default:
                throw new ErrnoException(op, Errno.ENOTTY, "not dispatched");
        }
    }
}
