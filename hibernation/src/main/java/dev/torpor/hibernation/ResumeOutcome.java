package dev.torpor.hibernation;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.lifecycle.Resumer;

import java.nio.file.Path;

/**
 * How {@link SafeResume} ended when the hibernated system did not carry on. Whatever it is, the boot can go on:
 * an image that was refused, damaged or not restored is no longer signed.
 */
public sealed interface ResumeOutcome {
    /**
     * There is no image: the device is missing, or holds a plain swap area.
     *
     * @param notASwapHeader the resume offset is not 0 and its page is not a swap header (a stale offset)
     */
    record NoImage(Path device, long resumeOffset, boolean deviceMissing, boolean notASwapHeader)
            implements ResumeOutcome {
    }

    /** Only from {@link SafeResume#check}: the image can be resumed here. */
    record Resumable(Resumer.Verified verified) implements ResumeOutcome {
    }

    /** The image is not one this system can resume; {@code invalidated} is false only for a check. */
    record Refused(String reason, boolean invalidated) implements ResumeOutcome {
    }

    /**
     * The image is damaged, found before the restore, so the running system changed in nothing; {@code invalidated}
     * is false only for a check.
     */
    record Damaged(ImageFormatException error, boolean invalidated) implements ResumeOutcome {
    }

    /** Reading the image or writing the device failed; the image was invalidated. */
    record Failed(Exception error) implements ResumeOutcome {
    }

    /**
     * The restore failed for a reason that is not the image's (the kernel short of memory, no snapshot device).
     *
     * @param handedToKernel the kernel's own resume was given the image, and returned without restoring it
     * @param invalidated    the image is no longer signed (false only if that write failed)
     */
    record NotRestored(Throwable cause, boolean handedToKernel, boolean invalidated) implements ResumeOutcome {
    }

    /** The atomic restore returned without an error (an emulated device); the image is left as it was. */
    record RestoreReturned() implements ResumeOutcome {
    }
}
