package dev.torpor.tools;

import dev.torpor.image.io.lifecycle.Hibernator;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.platform.linux.TerminationSignals;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;

/**
 * For power-cut tests: {@code -Dtorpor.pauseAt=MOMENT} makes {@code torpor hibernate} (moments {@code first-data},
 * {@code middle}, {@code before-signature}, {@code after-signature}) or {@code torpor resume}
 * ({@code before-restore}) print {@code torpor: paused at MOMENT} and wait there, so that a test can cut the
 * machine's power at exactly that moment. A SIGINT, SIGTERM or SIGHUP ends a hibernate's wait as it would end its
 * write. Without the property nothing pauses.
 */
final class PauseAt {
    static final String PROPERTY = "torpor.pauseAt";

    /** Where a run can wait. */
    enum Moment {
        /** Hibernate: the image exists, nothing of it is written yet. */
        FIRST_DATA,
        /** Hibernate: half of the image's pages are stored. */
        MIDDLE,
        /** Hibernate: every data and map page is durable, the signature page is not written. */
        BEFORE_SIGNATURE,
        /** Hibernate: the image is signed and durable, the machine not yet off. */
        AFTER_SIGNATURE,
        /** Resume: the signature is reset and the stream is in the snapshot device, before the atomic restore. */
        BEFORE_RESTORE;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Moment moment;
    private final PrintWriter out;
    private final TerminationSignals signals;
    private boolean armed;
    private boolean halfway;
    /** The signal that ended a wait, or 0. */
    int stoppedBy;

    private PauseAt(Moment moment, PrintWriter out, TerminationSignals signals) {
        this.moment = moment;
        this.out = out;
        this.signals = signals;
    }

    /** The moment the property names, if any; a wrong value is a usage error. */
    static Optional<Moment> configured() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        for (Moment m : Moment.values()) {
            if (m.label().equals(v.trim())) {
                return Optional.of(m);
            }
        }
        throw new IllegalArgumentException("-D" + PROPERTY + " must be first-data, middle, before-signature, "
                + "after-signature or before-restore, not " + v);
    }

    /** Pauses of the configured moment, if any ({@code signals} may be null: then only a power cut ends a wait). */
    static Optional<PauseAt> of(PrintWriter out, TerminationSignals signals) {
        return configured().map(m -> new PauseAt(m, out, signals));
    }

    /** From now on the hibernate moments count: the image exists. */
    void arm() {
        armed = true;
    }

    /** The write's progress: the middle comes at the first page written after half of them. */
    void progress(long done, long total) {
        halfway = done * 2 >= total;
    }

    /** Waits if {@code here} is the configured moment (and the run is armed, for the hibernate moments). */
    void at(Moment here) throws IOException {
        if (here != moment || (!armed && here != Moment.BEFORE_RESTORE)) {
            return;
        }
        armed = false; // once
        out.println("torpor: paused at " + here.label() + " (-D" + PROPERTY + ")");
        out.flush();
        try {
            while (true) {
                int signal = signals == null ? 0 : signals.poll();
                if (signal != 0) {
                    stoppedBy = signal;
                    throw new Hibernator.Cancelled(TerminationSignals.name(signal) + " received");
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while paused at " + here.label());
        }
    }

    /**
     * {@code store} pausing before its first write (first-data), before the first write after half of the pages
     * (middle) and before the write of the signature page.
     */
    PageStore around(PageStore store, long signatureByte) {
        return new PageStore() {
            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                if (position == signatureByte) {
                    at(Moment.BEFORE_SIGNATURE);
                } else {
                    at(Moment.FIRST_DATA);
                    if (halfway) {
                        at(Moment.MIDDLE);
                    }
                }
                store.write(src, position);
            }

            @Override
            public void read(ByteBuffer dst, long position) throws IOException {
                store.read(dst, position);
            }

            @Override
            public void force() throws IOException {
                store.force();
            }
        };
    }
}
