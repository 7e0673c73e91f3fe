package dev.torpor.guest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading a real guest's consoles (a torpor demo run on Debian 6.1, see resources/guest/README.md). */
class GuestLogTest {
    private static final String MARKER = "ea6f05fe46614f48d9584bae5ce5761b";
    private static final String BALLAST = "cda5d4eb1ebe09917b17e55b2d545566423e491e7d6b804c597337b67cc0414b";

    @Test
    void theHibernatingBoot() throws IOException {
        String c = console("demo-6.1-hibernate.log");
        assertThat(GuestLog.remembered(c)).contains(new GuestLog.Memory(MARKER, Optional.of(BALLAST)));
        assertThat(GuestLog.recalled(c)).isEmpty();
        assertThat(GuestLog.torporWrote(c)).contains(new GuestLog.Rate(287736, 19.4));
        assertThat(GuestLog.torporStoredPages(c)).contains(71934L);
        assertThat(GuestLog.torporStoredBytes(c)).contains(127586304L);
        assertThat(GuestLog.residentKb(c)).contains(158520L);
        assertThat(GuestLog.exitCode(c, "hibernate")).isEmpty();
        assertThat(GuestLog.frozeAndPoweredOff(c)).isTrue();
        assertThat(GuestLog.classesLoadedWhileFrozen(c)).isEmpty();
        assertThat(GuestLog.filesOpenedBeforeFreezing(c)).as("this boot ran without the open-logging library").isZero();
    }

    @Test
    void theResumingBoot() throws IOException {
        String c = console("demo-6.1-resume.log");
        assertThat(GuestLog.recalled(c)).contains(new GuestLog.Memory(MARKER, Optional.of(BALLAST)));
        assertThat(GuestLog.torporRead(c)).contains(new GuestLog.Rate(287736, 21.0));
        assertThat(GuestLog.away(c)).contains(87.5);
        assertThat(GuestLog.exitCode(c, "hibernate")).contains(0);
        assertThat(GuestLog.exitCode(c, "resume")).isEmpty();
        assertThat(GuestLog.torporWrote(c)).isEmpty();
    }

    @Test
    void aClassLoadedAfterTheSnapshotIsFound() throws IOException {
        String c = console("demo-6.1-hibernate.log");
        String late = "[99.999s] dev.torpor.Late source: file:/opt/torpor.jar";
        String changed = c.replace("torpor: image created", late + "\ntorpor: image created");
        assertThat(GuestLog.classesLoadedWhileFrozen(changed)).containsExactly(late);
        String open = "TORPOR-OPEN open64 /proc/self/status";
        String opened = c.replace("torpor: image created", open + "\ntorpor: image created")
                .replace("torpor: rehearsal ok", open + "\ntorpor: rehearsal ok");
        assertThat(GuestLog.filesOpenedWhileFrozen(opened)).containsExactly(open);
        assertThat(GuestLog.filesOpenedBeforeFreezing(opened)).isEqualTo(1);
        String cut = c.substring(0, c.indexOf("reboot: Power down"));
        assertThat(GuestLog.frozeAndPoweredOff(cut)).isFalse();
        assertThat(GuestLog.classesLoadedWhileFrozen(cut)).isEmpty();
    }

    /** torpor resume in one pass, and the kernel's own resume in the demo's reference boot. */
    @Test
    void theOnePassResumeAndTheKernelsReference() throws IOException {
        String c = console("demo-6.1-onepass-resume.log");
        assertThat(GuestLog.torporRead(c)).contains(new GuestLog.Rate(277896, 44.5));
        assertThat(GuestLog.torporRestored(c)).contains(new GuestLog.Rate(277896, 30.3));
        assertThat(GuestLog.away(c)).contains(44.5);
        String k = console("demo-6.1-kernel-resume.log");
        assertThat(GuestLog.kernelRead(k)).contains(new GuestLog.Rate(165524, 67.28));
        assertThat(GuestLog.torporRestored(k)).isEmpty();
    }

    private static String console(String name) throws IOException {
        try (InputStream in = GuestLogTest.class.getResourceAsStream("/guest/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void theResidentSizeAtTheFreezeWinsOverTheOneAfterLocking() {
        String c = "torpor: locked in memory: 120000 kB resident (VmRSS)\ntorpor: JVM at rest in 1.5 s: ...\n"
                + "torpor: resident now 121500 kB (VmRSS), all of it locked\ntorpor: freezing\n";
        assertThat(GuestLog.residentKb(c)).contains(121500L);
        assertThat(GuestLog.residentKb("torpor: locked in memory: 120000 kB resident (VmRSS)\n")).contains(120000L);
    }

    @Test
    void theJvmsRestBeforeTheFreeze() {
        String ok = "torpor: JVM at rest in 1.7 s: JIT stopped, compile queues empty, reference processing done, every "
                + "other thread waiting\r\ntorpor: freezing\n";
        assertThat(GuestLog.wasAtRest(ok)).isTrue();
        String busy = "torpor: JVM at rest in 60.0 s: JIT stopped, compile queues BUSY, reference processing done, "
                + "every other thread waiting\n";
        assertThat(GuestLog.wasAtRest(busy)).isFalse();
        assertThat(GuestLog.jvmAtRest(busy)).hasValueSatisfying(l -> assertThat(l).contains("BUSY"));
        assertThat(GuestLog.wasAtRest("torpor: freezing\n")).isFalse();
    }
}
