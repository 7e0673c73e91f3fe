package dev.torpor.snapshot.api;

import java.nio.ByteBuffer;

/**
 * Decoding of the metadata pages of a snapshot stream: arrays of native {@code unsigned long}
 * entries, one per saved page.
 *
 * <ul>
 *   <li>2.6.19 onwards: each entry is a page frame number, in ascending order; the list ends with
 *       {@code ~0UL} if the last page has room for it; the rest of the page is zero.</li>
 *   <li>6.6 onwards: bit {@code BITS_PER_LONG − 1} of an entry flags a page that was all zeros; its
 *       data page is not in the stream.</li>
 *   <li>2.6.16–2.6.18: entries are the pages' kernel virtual addresses, zero-padded, with no end marker.</li>
 * </ul>
 */
public final class PfnMetadata {

    private PfnMetadata() {
    }

    /** How the entries of a metadata page are to be understood. */
    public enum Encoding {
        /** Page frame numbers with end marker and (6.6+) zero-page flag. */
        PFN,
        /** Kernel virtual addresses (2.6.16–2.6.18). */
        VIRTUAL_ADDRESS
    }

    /** One decoded entry. */
    public record Entry(long pfn, boolean zero) {
    }

    /** The kernel's end-of-list marker for this target ({@code BM_END_OF_MAP = ~0UL}). */
    public static long endMarker(TargetProfile t) {
        return t.allOnes();
    }

    /** The zero-page flag bit for this target ({@code ENCODED_PFN_ZERO_FLAG}). */
    public static long zeroFlag(TargetProfile t) {
        return t.topBit();
    }

    /** Raw entry {@code index} of a metadata page. */
    public static long rawEntry(ByteBuffer page, int index, TargetProfile t) {
        return t.readWord(page, index * t.wordSize());
    }

    /** Decodes a raw PFN entry (not the end marker): the PFN and whether the zero flag is set. */
    public static Entry decode(long raw, TargetProfile t) {
        long flag = zeroFlag(t);
        return new Entry(raw & ~flag, (raw & flag) != 0);
    }

    /** Encodes an entry as the kernel does. */
    public static long encode(Entry e, TargetProfile t) {
        return e.zero() ? e.pfn() | zeroFlag(t) : e.pfn();
    }

    /** Metadata pages needed for {@code entries} entries: {@code DIV_ROUND_UP(entries × L, P)}. */
    public static long pagesFor(long entries, TargetProfile t) {
        return (entries + t.wordsPerPage() - 1) / t.wordsPerPage();
    }
}
