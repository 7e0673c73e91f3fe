package dev.torpor.image.io;

import java.util.Objects;

/**
 * Something wrong or notable in an image.
 *
 * @param offset   byte offset in the source where it was found
 * @param message  what is wrong, in plain words
 * @param severity {@link Severity#ERROR} makes the image corrupt; {@link Severity#WARNING} does not
 */
public record Problem(long offset, String message, Severity severity) {

    /** How bad a problem is. */
    public enum Severity {
        /** The kernel would refuse the image, or data would be lost or misplaced. */
        ERROR,
        /** Unusual but harmless for a resume. */
        WARNING
    }

    public Problem {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(severity, "severity");
    }

    public static Problem error(long offset, String message) {
        return new Problem(offset, message, Severity.ERROR);
    }

    public static Problem warning(long offset, String message) {
        return new Problem(offset, message, Severity.WARNING);
    }

    @Override
    public String toString() {
        return String.format("%s at byte %d (0x%x): %s", severity == Severity.ERROR ? "error" : "warning", offset,
                offset, message);
    }
}
