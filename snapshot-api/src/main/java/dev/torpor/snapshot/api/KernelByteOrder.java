package dev.torpor.snapshot.api;

import java.nio.ByteOrder;
import java.util.Locale;

/** The native byte order of the kernel that wrote an image (never the JVM's). */
public enum KernelByteOrder {
    LITTLE(ByteOrder.LITTLE_ENDIAN),
    BIG(ByteOrder.BIG_ENDIAN);

    private final ByteOrder nio;

    KernelByteOrder(ByteOrder nio) {
        this.nio = nio;
    }

    /** The matching {@link ByteOrder} for {@link java.nio.ByteBuffer#order(ByteOrder)}. */
    public ByteOrder nio() {
        return nio;
    }

    /** Lower-case name as used in reports and on the command line: {@code little} or {@code big}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code little}/{@code big} (also {@code le}/{@code be}), case-insensitively. */
    public static KernelByteOrder parse(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "little": case "le": return LITTLE;
            case "big": case "be": return BIG;
            default: throw new IllegalArgumentException("byte order must be 'little' or 'big', not '" + text + "'");
        }
    }
}
