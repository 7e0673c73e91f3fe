package dev.torpor.hibernation;

import dev.torpor.image.io.Progress;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.platform.linux.JvmQuiescence;

import java.io.IOException;
import java.time.Duration;

/**
 * What {@link SafeResume#resume} tells its caller as it goes. Every method has an empty default. The calls come on
 * the resuming thread, and the ones from {@link #verified} on come after the whole stream is in the device.
 */
public interface ResumeListener extends Progress {
    /** Tells nobody. */
    ResumeListener NONE = new ResumeListener() { };

    @Override
    default void update(long done, long total, long bytes) {
    }

    /** The snapshot device is open and the stream starts; {@code direct}: units are read with {@code O_DIRECT}. */
    default void resuming(ImageKind kind, boolean direct) {
    }

    /** The whole stream is in the device and every unit has checked. */
    default void verified(long pages, long bytes, Duration sinceFirstRead) {
    }

    /**
     * Just before the freeze. {@code atOnce}: FREEZE and the restore are one native call, so nothing of this JVM
     * runs between them. Throwing here ends the resume with the image kept out of the device.
     */
    default void beforeFreeze(boolean atOnce) throws IOException {
    }

    /** The JVM came to rest for the freeze (only where FREEZE and the restore are separate calls). */
    default void atRest(JvmQuiescence.Report rest) {
    }

    /** The atomic restore is asked for next. */
    default void restoring(long pages, long bytes, Duration sinceFirstRead) {
    }

    /** The restore failed for a reason that is not the image's; what happens to the image follows as notes. */
    default void restoreFailed(Throwable cause) {
    }

    /** Something worth a line in the boot log that changes nothing in the outcome. */
    default void note(String message) {
    }
}
