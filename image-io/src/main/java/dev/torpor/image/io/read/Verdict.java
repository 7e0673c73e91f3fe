package dev.torpor.image.io.read;

/** The outcome of an inspection. */
public enum Verdict {
    /** A complete, consistent kernel image (CRC matching where the image has one). */
    VALID("valid"),
    /** No hibernation image in the source. */
    NO_IMAGE("no-image"),
    /** An image of another tool. */
    FOREIGN_IMAGE("foreign-image"),
    /**
     * Torpor's encrypted kind: the kernel cannot resume it, and without the key only its headers can be read; its
     * units are authenticated with the key ({@code EncryptedImage.verify}) and as {@code torpor resume} reads them.
     */
    ENCRYPTED("torpor-encrypted"),
    /** A kernel image with at least one error. */
    CORRUPT("corrupt");

    private final String label;

    Verdict(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
