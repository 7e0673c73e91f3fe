package dev.torpor.platform.linux;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The readiness checks on fixture trees and on this machine (a VM without hibernation support). */
class HibernationReadinessTest {

    private static Map<String, HibernationReadiness.Check> run(Path root, int uid) throws Exception {
        List<HibernationReadiness.Check> checks = new HibernationReadiness(root, uid).run();
        assertThat(checks).hasSize(7);
        return checks.stream().collect(Collectors.toMap(HibernationReadiness.Check::name, c -> c));
    }

    private static Path fixture(String name) throws Exception {
        return Path.of(HibernationReadinessTest.class.getResource("/fixtures/" + name).toURI());
    }

    @Test
    void aGuestThatCanHibernate() throws Exception {
        Map<String, HibernationReadiness.Check> c = run(fixture("debian-6.1"), 0);
        assertThat(c.values()).allSatisfy(x -> assertThat(x.status()).as(x.toString())
                .isEqualTo(HibernationReadiness.Status.OK));
        assertThat(c.get("resume device").reason()).contains("/dev/vdb");
        assertThat(HibernationReadiness.canHibernate(List.copyOf(c.values()))).isTrue();
    }

    @Test
    void notRootAndLockedDown() throws Exception {
        Map<String, HibernationReadiness.Check> c = run(fixture("locked"), 1000);
        assertThat(c.get("root").status()).isEqualTo(HibernationReadiness.Status.FAIL);
        assertThat(c.get("lockdown").status()).isEqualTo(HibernationReadiness.Status.FAIL);
        assertThat(c.get("command line").status()).isEqualTo(HibernationReadiness.Status.FAIL);
        assertThat(c.get("kernel").status()).isEqualTo(HibernationReadiness.Status.FAIL);
        assertThat(c.get("swap").reason()).contains("no active swap");
        assertThat(HibernationReadiness.canHibernate(List.copyOf(c.values()))).isFalse();
    }

    @Test
    void thisMachineIsReportedNotCrashedOn() throws Exception {
        Map<String, HibernationReadiness.Check> c = run(Path.of("/"), 0);
        assertThat(c.get("kernel").status()).isIn(HibernationReadiness.Status.OK, HibernationReadiness.Status.FAIL);
        assertThat(c.values()).allSatisfy(x -> assertThat(x.reason()).isNotBlank());
    }
}
