package dev.torpor.swap.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code flags} word of the signature page ({@code SF_*} in {@code kernel/power/power.h}).
 *
 * @param value the raw 32-bit value
 */
public record ImageFlags(long value) {

    /** {@code SF_PLATFORM_MODE}: the platform (ACPI S4) was used; resume uses platform operations. */
    public static final long PLATFORM = 1;
    /** {@code SF_NOCOMPRESS_MODE}: the stream is stored page by page, uncompressed. */
    public static final long NOCOMPRESS = 2;
    /** {@code SF_CRC32_MODE}: the header's crc32 covers the uncompressed stream. */
    public static final long CRC32 = 4;
    /** {@code SF_HW_SIG}: the header's hw_sig must match the firmware's hardware signature. */
    public static final long HW_SIG = 8;
    /** {@code SF_COMPRESSION_ALG_LZ4}: compressed units are LZ4 blocks (otherwise LZO). */
    public static final long LZ4 = 16;

    private static final long KNOWN = PLATFORM | NOCOMPRESS | CRC32 | HW_SIG | LZ4;

    public boolean platform() {
        return (value & PLATFORM) != 0;
    }

    public boolean nocompress() {
        return (value & NOCOMPRESS) != 0;
    }

    public boolean crc32() {
        return (value & CRC32) != 0;
    }

    public boolean hwSig() {
        return (value & HW_SIG) != 0;
    }

    public boolean lz4() {
        return (value & LZ4) != 0;
    }

    /** Bits Torpor does not know. */
    public long unknownBits() {
        return value & ~KNOWN;
    }

    /** Names of the set bits, unknown ones as {@code 0x...}. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        if (platform()) {
            names.add("PLATFORM");
        }
        if (nocompress()) {
            names.add("NOCOMPRESS");
        }
        if (crc32()) {
            names.add("CRC32");
        }
        if (hwSig()) {
            names.add("HW_SIG");
        }
        if (lz4()) {
            names.add("LZ4");
        }
        long unknown = unknownBits();
        for (int bit = 0; bit < 32; bit++) {
            if ((unknown & (1L << bit)) != 0) {
                names.add(String.format("0x%x", 1L << bit));
            }
        }
        return names;
    }
}
