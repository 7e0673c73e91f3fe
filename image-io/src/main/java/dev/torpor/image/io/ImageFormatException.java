package dev.torpor.image.io;

import java.io.IOException;

/** An image is damaged in a way that stops reading; {@link #offset()} is the byte offset in the source. */
public class ImageFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public ImageFormatException(long offset, String message) {
        super(message);
        this.offset = offset;
    }

    /** Byte offset in the source (device or file) of what is wrong. */
    public long offset() {
        return offset;
    }

    /** The same information as a {@link Problem}. */
    public Problem toProblem() {
        return Problem.error(offset, getMessage());
    }
}
