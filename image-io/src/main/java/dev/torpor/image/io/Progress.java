package dev.torpor.image.io;

import java.time.Duration;
import java.util.List;

/**
 * How far a long run has got: the SDK's one progress listener, for storing an image ({@code ImageWriter},
 * {@code Hibernator}) and for feeding one into {@code /dev/snapshot} ({@code Resumer}). It is called on the working
 * thread: keep it short, and while hibernating free of allocation, since the collector is frozen with the system.
 */
@FunctionalInterface
public interface Progress {
    /** Tells nobody. */
    Progress NONE = (done, total, bytes) -> { };

    /**
     * @param done  stream pages handled so far (the header page included)
     * @param total stream pages in all
     * @param bytes bytes written so far: into the swap area, or into the snapshot device
     */
    void update(long done, long total, long bytes);

    /** Once the run is complete: where its time went, phase by phase, in order. */
    default void phases(List<Phase> phases) {
    }

    /** One phase of a run and the time it took. */
    record Phase(String name, Duration took) {
    }
}
