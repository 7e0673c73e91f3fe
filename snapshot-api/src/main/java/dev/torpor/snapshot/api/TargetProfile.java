package dev.torpor.snapshot.api;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The facts about the kernel that wrote (or will read) a snapshot stream: page size ({@code PAGE_SIZE}),
 * width of {@code unsigned long} and {@code size_t} ({@code wordSize}), native byte order, and the
 * architecture name. These are parameters of every format decision in Torpor and are never taken
 * from the running JVM.
 *
 * @param pageSize  kernel page size in bytes: a power of two from 4096 to 65536
 * @param wordSize  {@code sizeof(unsigned long)} of the kernel: 4 or 8
 * @param byteOrder native byte order of the kernel
 * @param arch      architecture name ({@code x86_64}, {@code i386}, {@code arm64}, ... or {@code unknown})
 */
public record TargetProfile(int pageSize, int wordSize, KernelByteOrder byteOrder, String arch) {

    public static final int MIN_PAGE_SIZE = 4096;
    public static final int MAX_PAGE_SIZE = 65536;

    /** The profile of a 64-bit x86 kernel: 4 KiB pages, 8-byte words, little-endian. */
    public static final TargetProfile X86_64 = new TargetProfile(4096, 8, KernelByteOrder.LITTLE, "x86_64");

    public TargetProfile {
        if (!isValidPageSize(pageSize)) {
            throw new IllegalArgumentException("page size must be a power of two from 4096 to 65536, not " + pageSize);
        }
        if (wordSize != 4 && wordSize != 8) {
            throw new IllegalArgumentException("word size must be 4 or 8, not " + wordSize);
        }
        Objects.requireNonNull(byteOrder, "byteOrder");
        Objects.requireNonNull(arch, "arch");
    }

    /** Whether {@code size} is a page size a Linux kernel can have. */
    public static boolean isValidPageSize(long size) {
        return size >= MIN_PAGE_SIZE && size <= MAX_PAGE_SIZE && Long.bitCount(size) == 1;
    }

    /** The same profile with another architecture name. */
    public TargetProfile withArch(String newArch) {
        return new TargetProfile(pageSize, wordSize, byteOrder, newArch);
    }

    /** Number of {@code unsigned long} entries in one page (PFN metadata entries per page). */
    public int wordsPerPage() {
        return pageSize / wordSize;
    }

    /** The value with only the most significant bit of an {@code unsigned long} set. */
    public long topBit() {
        return wordSize == 8 ? Long.MIN_VALUE : 0x8000_0000L;
    }

    /** {@code ~0UL} of the kernel, as an unsigned value in a long. */
    public long allOnes() {
        return wordSize == 8 ? -1L : 0xFFFF_FFFFL;
    }

    /** Reads an {@code unsigned long} at {@code offset} (unsigned for 4-byte words). */
    public long readWord(ByteBuffer page, int offset) {
        ByteBuffer b = page.duplicate().order(byteOrder.nio());
        return wordSize == 8 ? b.getLong(offset) : Integer.toUnsignedLong(b.getInt(offset));
    }

    /** Writes an {@code unsigned long} at {@code offset}. */
    public void writeWord(ByteBuffer page, int offset, long value) {
        ByteBuffer b = page.duplicate().order(byteOrder.nio());
        if (wordSize == 8) {
            b.putLong(offset, value);
        } else {
            b.putInt(offset, (int) value);
        }
    }

    /** Reads a native {@code u32} at {@code offset}, as an unsigned value. */
    public long readU32(ByteBuffer page, int offset) {
        return Integer.toUnsignedLong(page.duplicate().order(byteOrder.nio()).getInt(offset));
    }
}
