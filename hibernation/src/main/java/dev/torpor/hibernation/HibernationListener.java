package dev.torpor.hibernation;

import dev.torpor.image.io.lifecycle.Hibernator;
import dev.torpor.image.io.write.PageStore;

import java.io.IOException;

/**
 * What the caller of {@link SafeHibernation#hibernate} is told: the steps before the freeze, then the hibernator's
 * events (image created, progress, stored). After the snapshot nothing may load a class or allocate much: the methods
 * that run then must have run in the rehearsals, which is what {@link #forRehearsal()} is for.
 */
public interface HibernationListener extends Hibernator.Listener {
    /** A listener that ignores everything. */
    HibernationListener NONE = new HibernationListener() {
    };

    /** A step before the freeze is done. */
    default void step(Step step) {
    }

    /**
     * The listener the rehearsals report to. It should run the same code as this one (string concatenation and
     * formatting link on first use, and nothing may link after the snapshot) but may print nowhere.
     */
    default HibernationListener forRehearsal() {
        return this;
    }

    /**
     * The store the image goes through, from the header page at byte {@code headerPosition}; a caller may wrap it to
     * observe the writes or to inject faults. Returns {@code store} by default.
     */
    default PageStore storing(PageStore store, long headerPosition) {
        return store;
    }

    /** The image is durable and signed; the machine is turned off right after this returns. */
    default void poweringOff() throws IOException {
    }
}
