package dev.torpor.image.io.write;

import dev.torpor.swap.format.HeaderLayout;
import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwapSignature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Turns an area holding an image back into a plain swap area, as the kernel does on resume and as
 * suspend tools do when they cancel: the saved swap magic ({@code orig_sig}) is put back in place of the
 * image signature. The rest of the image stays on disk but is unreachable.
 */
public final class Invalidation {
    private static final int[] PAGE_SIZES = SwapHeader.pageSizes();

    /** What {@link #invalidate} found and did. */
    public enum Outcome {
        /** An image signature was replaced by the saved swap magic. */
        INVALIDATED,
        /** The area already was a plain swap area. */
        ALREADY_PLAIN
    }

    /**
     * @param outcome   what happened
     * @param signature the signature that was there
     * @param restored  the swap magic now there
     * @param pageSize  the page size the signature was found with
     */
    public record Result(Outcome outcome, String signature, String restored, int pageSize) {
    }

    private Invalidation() {
    }

    /**
     * Restores the swap magic of the area whose header is at device page {@code resumeOffset}. Kernel and
     * uswsusp-style images keep it in {@code orig_sig}; anything else is refused.
     *
     * @throws dev.torpor.image.io.ImageFormatException if there is no signature, or no swap magic to restore
     */
    public static Result invalidate(PageStore store, long resumeOffset) throws IOException {
        for (int p : PAGE_SIZES) {
            ByteBuffer page = ByteBuffer.allocate(p);
            long at = resumeOffset * p;
            try {
                store.read(page, at);
            } catch (java.io.EOFException e) {
                break;
            }
            Optional<SwapSignature> sig = SwapSignature.at(page, HeaderLayout.sigAt(p));
            if (sig.isEmpty()) {
                continue;
            }
            if (sig.get().kind() == SwapSignature.Kind.SWAP) {
                return new Result(Outcome.ALREADY_PLAIN, sig.get().label(), sig.get().label(), p);
            }
            Optional<SwapSignature> orig = SwapSignature.at(page, HeaderLayout.origSigAt(p));
            if (orig.isEmpty() || orig.get().kind() != SwapSignature.Kind.SWAP) {
                throw new dev.torpor.image.io.ImageFormatException(at + HeaderLayout.origSigAt(p), "the " + sig.get().label()
                        + " image keeps no swap signature in orig_sig ('" + SwapSignature.printable(page, HeaderLayout.origSigAt(p))
                        + "'); run mkswap to make the area usable");
            }
            page.put(HeaderLayout.sigAt(p), orig.get().bytes());
            store.write(page.clear(), at);
            store.force();
            return new Result(Outcome.INVALIDATED, sig.get().label(), orig.get().label(), p);
        }
        throw new dev.torpor.image.io.ImageFormatException(resumeOffset * 4096 + HeaderLayout.sigAt(4096),
                "no swap or image signature found; nothing to invalidate");
    }

    /**
     * Invalidates after {@code cause} made the image unusable: a failure to invalidate is added to {@code cause} as a
     * suppressed exception, so the caller reports one failure with both.
     */
    public static void invalidateAfter(PageStore store, long resumeOffset, Exception cause) {
        try {
            invalidate(store, resumeOffset);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
