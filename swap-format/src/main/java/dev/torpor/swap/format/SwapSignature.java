package dev.torpor.swap.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The 10-byte signatures found at the end of the first page of a swap area ({@code PAGE_SIZE − 10}).
 * A plain swap area carries a mkswap magic; when a hibernation image is present the kernel (or another
 * tool) puts its own signature there and keeps the mkswap magic elsewhere.
 */
public enum SwapSignature {
    /** mkswap version 1 swap area. */
    SWAPSPACE2("SWAPSPACE2", 10, Kind.SWAP),
    /** mkswap version 0 swap area (obsolete). */
    SWAP_SPACE("SWAP-SPACE", 10, Kind.SWAP),
    /** The kernel's own image ({@code HIBERNATE_SIG}, "S1SUSPEND" with its NUL). */
    S1SUSPEND("S1SUSPEND\0", 10, Kind.KERNEL_IMAGE),
    /** Another suspend implementation's image (recognised by util-linux). */
    S2SUSPEND("S2SUSPEND", 9, Kind.FOREIGN_IMAGE),
    /** uswsusp ({@code s2disk}) image. */
    ULSUSPEND("ULSUSPEND", 9, Kind.FOREIGN_IMAGE),
    /** Signature of one 2.6.37 development kernel; no released kernel resumes it. */
    LINHIB0001("LINHIB0001", 10, Kind.FOREIGN_IMAGE),
    /** TuxOnIce image (binary magic). */
    TUXONICE("\u00ed\u00c3\u0002\u00e9\u0098\u0056\u00e5\u000c", 8, Kind.FOREIGN_IMAGE),
    /** Torpor's own authenticated-encryption image: the kernel does not know it (and boots normally). */
    TORPOR("TORPOR-AE1", 10, Kind.TORPOR_IMAGE);

    /** Length of the signature field. */
    public static final int LENGTH = 10;

    /** What a signature says about the area. */
    public enum Kind {
        /** A plain swap area. */
        SWAP,
        /** An image the Linux kernel wrote (and can resume). */
        KERNEL_IMAGE,
        /** An image written by another tool. */
        FOREIGN_IMAGE,
        /** Torpor's encrypted image kind, which only Torpor resumes. */
        TORPOR_IMAGE
    }

    private final byte[] bytes;
    private final int significant;
    private final Kind kind;

    SwapSignature(String text, int significant, Kind kind) {
        this.bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        this.significant = significant;
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The signature as text for reports (TuxOnIce's binary magic is named). */
    public String label() {
        return this == TUXONICE ? "TuxOnIce" : new String(bytes, StandardCharsets.ISO_8859_1).replace("\0", "");
    }

    /** The bytes the kernel writes, padded with NULs to {@link #LENGTH}. */
    public byte[] bytes() {
        return Arrays.copyOf(bytes, LENGTH);
    }

    /** Which signature, if any, is at {@code offset} of {@code page}. */
    public static Optional<SwapSignature> at(ByteBuffer page, int offset) {
        byte[] found = new byte[LENGTH];
        page.get(offset, found);
        for (SwapSignature s : values()) {
            if (Arrays.equals(found, 0, s.significant, s.bytes, 0, s.significant)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The 10 raw bytes at {@code offset} as printable text (non-printable bytes as {@code \xNN}). */
    public static String printable(ByteBuffer page, int offset) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < LENGTH; i++) {
            int b = page.get(offset + i) & 0xFF;
            if (b == 0 && i > 0) {
                boolean restZero = true;
                for (int j = i; j < LENGTH; j++) {
                    restZero &= page.get(offset + j) == 0;
                }
                if (restZero) {
                    break;
                }
            }
            if (b >= 0x20 && b < 0x7f) {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        return sb.toString();
    }
}
