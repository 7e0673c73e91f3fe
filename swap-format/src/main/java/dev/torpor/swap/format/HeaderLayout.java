package dev.torpor.swap.format;

import java.util.OptionalInt;

/**
 * The eras of {@code struct swsusp_header}, the fields the kernel writes at the end of the swap
 * header page when it stores an image. Fields are laid out backwards from the end of the page, so
 * their offsets depend on the page size {@code P} and on the width {@code S} of {@code sector_t}
 * (or of {@code unsigned long} in the first era).
 */
public enum HeaderLayout {
    /** 2.6.17–2.6.18: {@code image} is a swap entry; no flags. */
    V2_6_17("2.6.17-18", false, false, false, true),
    /** 2.6.19–2.6.22: {@code image} is a device page index; no flags. */
    V2_6_19("2.6.19-22", false, false, false, false),
    /** 2.6.23/24–3.1: {@code flags} added. */
    V2_6_23("2.6.23-3.1", true, false, false, false),
    /** 3.2–5.16: {@code crc32} added. */
    V3_2("3.2-5.16", true, true, false, false),
    /** 5.17 onwards: {@code hw_sig} added. */
    V5_17("5.17+", true, true, true, false);

    private final String label;
    private final boolean hasFlags;
    private final boolean hasCrc32;
    private final boolean hasHwSig;
    private final boolean swapEntryImage;

    HeaderLayout(String label, boolean hasFlags, boolean hasCrc32, boolean hasHwSig, boolean swapEntryImage) {
        this.label = label;
        this.hasFlags = hasFlags;
        this.hasCrc32 = hasCrc32;
        this.hasHwSig = hasHwSig;
        this.swapEntryImage = swapEntryImage;
    }

    /** The era as reports name it, e.g. {@code 5.17+}. */
    public String label() {
        return label;
    }

    /** Parses a label such as {@code 5.17+} or {@code 3.2-5.16}. */
    public static HeaderLayout parse(String text) {
        for (HeaderLayout l : values()) {
            if (l.label.equals(text) || l.name().equalsIgnoreCase(text)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown header layout '" + text + "'");
    }

    public boolean hasFlags() {
        return hasFlags;
    }

    public boolean hasCrc32() {
        return hasCrc32;
    }

    public boolean hasHwSig() {
        return hasHwSig;
    }

    /** Whether {@code image} is a 2.6.17 swap entry ({@code type << (bits−5) | offset}). */
    public boolean swapEntryImage() {
        return swapEntryImage;
    }

    /** Offset of {@code sig}: the last 10 bytes of the page in every era, where mkswap puts the swap magic. */
    public static int sigAt(int pageSize) {
        return pageSize - SwapSignature.LENGTH;
    }

    /** Offset of {@code orig_sig}, the 10 bytes before {@code sig} in every era. */
    public static int origSigAt(int pageSize) {
        return pageSize - 2 * SwapSignature.LENGTH;
    }

    /** Offset of {@code sig} ({@link #sigAt}). */
    public int sigOffset(int pageSize) {
        return sigAt(pageSize);
    }

    /** Offset of {@code orig_sig} ({@link #origSigAt}). */
    public int origSigOffset(int pageSize) {
        return origSigAt(pageSize);
    }

    /** Offset of {@code flags}, if this era has it. */
    public OptionalInt flagsOffset(int pageSize) {
        return hasFlags ? OptionalInt.of(pageSize - 24) : OptionalInt.empty();
    }

    /** Offset of {@code image}; {@code imageSize} is {@code sizeof(sector_t)} (or of {@code unsigned long} in 2.6.17). */
    public int imageOffset(int pageSize, int imageSize) {
        return (hasFlags ? pageSize - 24 : pageSize - 20) - imageSize;
    }

    /** Offset of {@code crc32}, if this era has it. */
    public OptionalInt crc32Offset(int pageSize, int imageSize) {
        return hasCrc32 ? OptionalInt.of(imageOffset(pageSize, imageSize) - 4) : OptionalInt.empty();
    }

    /** Offset of {@code hw_sig}, if this era has it. */
    public OptionalInt hwSigOffset(int pageSize, int imageSize) {
        return hasHwSig ? OptionalInt.of(imageOffset(pageSize, imageSize) - 8) : OptionalInt.empty();
    }
}
