package dev.torpor.image.io.write;

import java.io.IOException;

/**
 * Hands out free pages of a swap area for an image, as {@code SNAPSHOT_ALLOC_SWAP_PAGE} does: each
 * call returns the device page index of a page nobody else uses; when the area is full it fails with
 * {@link NoSpaceException}.
 */
@FunctionalInterface
public interface SlotAllocator {
    long allocate() throws IOException;

    /** The area has no free page left (the kernel's ENOSPC). */
    final class NoSpaceException extends IOException {
        private static final long serialVersionUID = 1L;

        public NoSpaceException(String message) {
            super(message);
        }
    }
}
