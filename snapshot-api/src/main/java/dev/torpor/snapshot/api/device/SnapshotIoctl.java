package dev.torpor.snapshot.api.device;

import dev.torpor.snapshot.api.device.IoctlAbi.Direction;

/**
 * Every ioctl of {@code /dev/snapshot} ({@code include/uapi/linux/suspend_ioctls.h}), and the deprecated
 * 2.6.17 set that kernels accepted until 3.5. Type {@code '3'}.
 */
public enum SnapshotIoctl {
    FREEZE(1, Direction.NONE, Arg.NONE, 0, false),
    UNFREEZE(2, Direction.NONE, Arg.NONE, 0, false),
    /** Deprecated CREATE_IMAGE: the kernel writes {@code in_suspend} through the pointer. */
    ATOMIC_SNAPSHOT(3, Direction.WRITE, Arg.POINTER_OUT, -1, true),
    ATOMIC_RESTORE(4, Direction.NONE, Arg.NONE, 0, false),
    FREE(5, Direction.NONE, Arg.NONE, 0, false),
    /** Deprecated PREF_IMAGE_SIZE: bytes, by value. */
    SET_IMAGE_SIZE(6, Direction.WRITE, Arg.VALUE, -1, true),
    /** Deprecated AVAIL_SWAP_SIZE. */
    AVAIL_SWAP(7, Direction.READ, Arg.POINTER_OUT, -1, true),
    /** Deprecated ALLOC_SWAP_PAGE. */
    GET_SWAP_PAGE(8, Direction.READ, Arg.POINTER_OUT, -1, true),
    FREE_SWAP_PAGES(9, Direction.NONE, Arg.NONE, 0, false),
    /** Deprecated SET_SWAP_AREA: an old-style 16-bit device number by value, offset 0. */
    SET_SWAP_FILE(10, Direction.WRITE, Arg.VALUE, 4, true),
    S2RAM(11, Direction.NONE, Arg.NONE, 0, false),
    /** Deprecated platform operations: PREPARE 1, ENTER 2, FINISH 3, by value. */
    PMOPS(12, Direction.WRITE, Arg.VALUE, 4, true),
    /** {@code struct resume_swap_area}: 8-byte offset (pages) and 4-byte device, packed (12 bytes). */
    SET_SWAP_AREA(13, Direction.WRITE, Arg.POINTER_IN, 12, false),
    GET_IMAGE_SIZE(14, Direction.READ, Arg.POINTER_OUT, 8, false),
    /** Non-zero value: use the platform (ACPI S4) operations. */
    PLATFORM_SUPPORT(15, Direction.NONE, Arg.VALUE, 0, false),
    POWER_OFF(16, Direction.NONE, Arg.NONE, 0, false),
    /** The kernel writes {@code in_suspend} (an int) through the pointer, despite the W direction. */
    CREATE_IMAGE(17, Direction.WRITE, Arg.POINTER_OUT, 4, false),
    /** Preferred image size in bytes, by value. */
    PREF_IMAGE_SIZE(18, Direction.NONE, Arg.VALUE, 0, false),
    AVAIL_SWAP_SIZE(19, Direction.READ, Arg.POINTER_OUT, 8, false),
    ALLOC_SWAP_PAGE(20, Direction.READ, Arg.POINTER_OUT, 8, false);

    /** The ioctl type of {@code /dev/snapshot}: the character '3'. */
    public static final int TYPE = '3';

    /** How the argument is passed. */
    public enum Arg {
        /** No argument. */
        NONE,
        /** An integer by value. */
        VALUE,
        /** A pointer the kernel reads from. */
        POINTER_IN,
        /** A pointer the kernel writes to. */
        POINTER_OUT
    }

    private final int nr;
    private final Direction direction;
    private final Arg arg;
    private final int size;
    private final boolean deprecated;

    SnapshotIoctl(int nr, Direction direction, Arg arg, int size, boolean deprecated) {
        this.nr = nr;
        this.direction = direction;
        this.arg = arg;
        this.size = size;
        this.deprecated = deprecated;
    }

    public int nr() {
        return nr;
    }

    public Direction direction() {
        return direction;
    }

    public Arg arg() {
        return arg;
    }

    /** Whether this is one of the 2.6.17 requests removed in 3.6 (with a wrong argument type in its number). */
    public boolean deprecated() {
        return deprecated;
    }

    /**
     * The size field of the request: fixed, or (for the deprecated pointer and {@code unsigned long} ones)
     * the width of a pointer of the calling ABI.
     */
    public int size(int wordSize) {
        return size >= 0 ? size : wordSize;
    }

    /** The full request number for an ABI and word size. */
    public long request(IoctlAbi abi, int wordSize) {
        return abi.encode(direction, TYPE, nr, size(wordSize));
    }

    /**
     * Which request a raw ioctl number names for a kernel, as its {@code snapshot_ioctl} dispatches on the whole
     * 32-bit value: the deprecated 2.6.17 set only where {@code legacy} (kernels before 3.6), numbers 14–20 only where
     * {@code current} (from about 2.6.25). Empty for any other number (the kernel's ENOTTY).
     */
    public static java.util.Optional<SnapshotIoctl> decode(long request, IoctlAbi abi, int wordSize, boolean legacy,
                                                           boolean current) {
        long wanted = request & 0xFFFF_FFFFL;
        SnapshotIoctl found = null;
        for (SnapshotIoctl c : values()) {
            boolean known = c.deprecated() ? legacy : (c.nr() <= 13 || current);
            if (known && c.request(abi, wordSize) == wanted) {
                found = c;
            }
        }
        return java.util.Optional.ofNullable(found);
    }
}
