package dev.torpor.snapshot.api.emulator;

import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An emulated machine as {@code /dev/snapshot} sees it: a kernel profile, physical memory, active swap
 * areas, the resume device, and whether the caller has {@code CAP_SYS_ADMIN} and hibernation is available.
 * {@link #open} gives its device. A machine that hibernated can be {@link #boot() booted} again and restored;
 * the process that created the image then sees {@code CREATE_IMAGE} return again, with 0.
 */
public final class EmulatedMachine {
    private final KernelProfile profile;
    private EmulatedMemory memory;
    private final List<EmulatedSwap> swaps = new ArrayList<>();
    private int resumeDevice;
    private boolean capSysAdmin = true;
    private boolean hibernationAvailable = true;
    private boolean freezeFails;
    private boolean poweredOff;
    private EmulatedSnapshotDevice open;
    private EmulatedSnapshotDevice snapshotter;
    private long boots = 1;

    public EmulatedMachine(KernelProfile profile, EmulatedMemory memory) {
        if (memory.pageSize() != profile.pageSize()) {
            throw new IllegalArgumentException("memory page size differs from the kernel's");
        }
        this.profile = profile;
        this.memory = memory;
    }

    public KernelProfile profile() {
        return profile;
    }

    public EmulatedMemory memory() {
        return memory;
    }

    /** Adds an active swap area. */
    public EmulatedMachine addSwap(EmulatedSwap swap) {
        swaps.add(swap);
        return this;
    }

    /** The resume device ({@code resume=}): an O_RDONLY open selects a swap area on it at offset 0. */
    public EmulatedMachine resumeDevice(int dev) {
        this.resumeDevice = dev;
        return this;
    }

    /** Whether the caller has CAP_SYS_ADMIN (every ioctl needs it). */
    public EmulatedMachine capSysAdmin(boolean has) {
        this.capSysAdmin = has;
        return this;
    }

    /** Whether hibernation is available (not with {@code nohibernate}, lockdown, secretmem, ...). */
    public EmulatedMachine hibernationAvailable(boolean available) {
        this.hibernationAvailable = available;
        return this;
    }

    /** Makes the next freeze fail as {@code freeze_processes()} does when a task refuses (EBUSY). */
    public EmulatedMachine freezeFails(boolean fails) {
        this.freezeFails = fails;
        return this;
    }

    /** {@code open("/dev/snapshot", O_RDONLY)} (hibernate) or {@code O_WRONLY} (restore). */
    public EmulatedSnapshotDevice open(SnapshotDevice.Mode mode) throws ErrnoException {
        return open(mode == SnapshotDevice.Mode.HIBERNATE ? Access.READ_ONLY : Access.WRITE_ONLY);
    }

    /** The access modes of {@code open(2)}. */
    public enum Access { READ_ONLY, WRITE_ONLY, READ_WRITE }

    /** {@code open(2)} with any access mode, with the kernel's checks in its order. */
    public EmulatedSnapshotDevice open(Access access) throws ErrnoException {
        requireOn("open");
        if (!hibernationAvailable) {
            throw new ErrnoException("open", Errno.EPERM, "hibernation is not available");
        }
        if (open != null) {
            throw new ErrnoException("open", Errno.EBUSY, "/dev/snapshot is already open");
        }
        if (access == Access.READ_WRITE) {
            throw new ErrnoException("open", Errno.ENOSYS, "O_RDWR is not supported");
        }
        SnapshotDevice.Mode mode = access == Access.READ_ONLY ? SnapshotDevice.Mode.HIBERNATE
                : SnapshotDevice.Mode.RESTORE;
        open = new EmulatedSnapshotDevice(this, mode);
        if (mode == SnapshotDevice.Mode.HIBERNATE) {
            open.selectSwap(swapOf(resumeDevice, 0).orElse(null));
        }
        return open;
    }

    /** Boots the machine again after it powered off: fresh memory of the same size, all free. */
    public EmulatedMachine boot() {
        if (!poweredOff) {
            throw new IllegalStateException("the machine is running");
        }
        poweredOff = false;
        memory = new EmulatedMemory(memory.pageSize(), memory.presentPages());
        open = null;
        boots++;
        return this;
    }

    /**
     * What {@code reboot(2)} does to the machine (power off or restart alike): it stops, memory is lost, and
     * {@link #boot()} starts it again.
     */
    public void halt() {
        powerOff();
    }

    public boolean poweredOff() {
        return poweredOff;
    }

    /** How many times the machine booted. */
    public long boots() {
        return boots;
    }

    /**
     * The device of the process that created the image now in memory, after a restore: the process goes on
     * from its {@code CREATE_IMAGE}, which returns 0 when called on it.
     */
    public Optional<EmulatedSnapshotDevice> resumedProcess() {
        return Optional.ofNullable(snapshotter).filter(EmulatedSnapshotDevice::resumedHere);
    }

    // ---- used by the device ----------------------------------------------------------------------------------

    boolean capSysAdmin() {
        return capSysAdmin;
    }

    boolean takeFreezeFailure() {
        boolean f = freezeFails;
        freezeFails = false;
        return f;
    }

    Optional<EmulatedSwap> swapOf(int dev, long offset) {
        return swaps.stream().filter(s -> s.dev() == dev && s.headerPage() == offset && dev != 0).findFirst();
    }

    void released(EmulatedSnapshotDevice d) {
        if (open == d) {
            open = null;
        }
    }

    void createdImage(EmulatedSnapshotDevice d) {
        snapshotter = d;
    }

    void powerOff() {
        poweredOff = true;
        open = null;
    }

    /** The atomic restore: memory becomes the image; the process that made the image goes on. */
    void restore(Map<Long, byte[]> pages) {
        EmulatedMemory m = new EmulatedMemory(memory.pageSize(), memory.presentPages());
        pages.forEach((pfn, data) -> m.put(pfn, data, EmulatedMemory.State.USED));
        memory = m;
        open = null;
        if (snapshotter != null && snapshotter.imageFingerprint() == SnapshotImage.fingerprint(pages)) {
            snapshotter.revive();
            open = snapshotter;
        }
    }

    void requireOn(String op) throws ErrnoException {
        if (poweredOff) {
            throw new ErrnoException(op, Errno.EIO, "the emulated machine is powered off");
        }
    }
}
