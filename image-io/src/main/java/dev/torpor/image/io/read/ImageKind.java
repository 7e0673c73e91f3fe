package dev.torpor.image.io.read;

import java.util.Locale;

/** What the signature page says is in the area. */
public enum ImageKind {
    /** An image written by the Linux kernel's swap writer (or a compatible one). */
    KERNEL,
    /** An image of another tool (uswsusp, TuxOnIce, ...): named, not read. */
    FOREIGN,
    /** Torpor's encrypted image kind: read with its key ({@link EncryptedImage}). */
    TORPOR,
    /** No hibernation image: a plain swap area, or no swap signature at all. */
    NONE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
