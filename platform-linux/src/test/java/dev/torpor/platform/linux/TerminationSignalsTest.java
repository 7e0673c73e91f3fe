package dev.torpor.platform.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A termination signal sent to the thread that holds them back stays pending until that thread polls, and the
 * poll takes it: it never reaches the JVM's own handler (which would shut this test JVM down). A process-directed
 * signal behaves so only while the JVM's other threads are frozen (proven in the QEMU guests).
 */
class TerminationSignalsTest {
    interface Kill extends Library {
        Kill C = Native.load("c", Kill.class);

        int getpid();

        int gettid();

        int tgkill(int tgid, int tid, int sig);
    }

    @Test
    void aHeldSignalIsPolledAndTakenOnce() throws Exception {
        try (TerminationSignals signals = TerminationSignals.hold()) {
            assertThat(signals.poll()).as("nothing pending").isZero();
            for (int sig : new int[] {TerminationSignals.SIGTERM, TerminationSignals.SIGINT, TerminationSignals.SIGHUP}) {
                assertThat(Kill.C.tgkill(Kill.C.getpid(), Kill.C.gettid(), sig)).isZero();
                assertThat(signals.poll()).as(TerminationSignals.name(sig)).isEqualTo(sig);
                assertThat(signals.poll()).as("taken").isZero();
            }
        }
    }

    @Test
    void namesForMessages() {
        assertThat(TerminationSignals.name(15)).isEqualTo("SIGTERM");
        assertThat(TerminationSignals.name(2)).isEqualTo("SIGINT");
        assertThat(TerminationSignals.name(1)).isEqualTo("SIGHUP");
        assertThat(TerminationSignals.name(9)).isEqualTo("signal 9");
    }
}
