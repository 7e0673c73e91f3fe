package dev.torpor.guest.qemu;

import dev.torpor.guest.GuestLog;
import dev.torpor.tools.Torpor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compression threads started after the snapshot, on a guest with three vCPUs (TCG {@code thread=single}: the vCPUs
 * take turns on one host thread, which proves correctness, not speed). The threads are created by the freezing
 * thread, inherit its {@code PF_SUSPEND_TASK} and so are not frozen; {@code torpor hibernate}'s default, the
 * kernel's rule, gives two of them on three CPUs. The image must be valid on the host, and {@code torpor resume}
 * must restore the guest with its memory intact.
 */
@Tag("guest-java")
class ThreadsAfterTheFreezeTest {
    @TempDir
    Path tmp;

    @Test
    void onThreeCpusTwoCompressionThreadsWriteAnImageTorporResumes() throws Exception {
        GuestKit kit = GuestKit.prepare(Path.of("target", "qemu"), "linux-image-amd64")
                .withJava(Path.of(System.getProperty("torpor.jar", "target/torpor.jar"))).withCpus(3);
        Path disk = tmp.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(768L << 20);
        }
        GuestKit.run(tmp, "mkswap", disk.toString());

        String hibernated = kit.boot(disk, "torpor.mode=javahibernate torpor.compress=lzo", 1200, true);
        assertThat(hibernated).as(hibernated).contains("cpus=3")
                .contains("threads 2 (default: online CPUs - 1, from 1 to 3, as the kernel)")
                .contains("torpor: image stored");
        assertThat(GuestLog.frozeAndPoweredOff(hibernated)).as(hibernated).isTrue();
        assertThat(GuestLog.classesLoadedWhileFrozen(hibernated)).as("classes loaded while frozen").isEmpty();
        String remembered = GuestLog.remembered(hibernated).orElseThrow().toString();
        assertThat(Torpor.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                "inspect", disk.toString())).as("a valid image on the host").isZero();

        String resumed = kit.boot(disk, "torpor.mode=javaresume", 1200, true);
        assertThat(resumed).as(resumed).contains("TORPOR-GUEST hibernate-exit=0")
                .contains("TORPOR-GUEST RESUMED " + remembered)
                .doesNotContain("TORPOR-GUEST NO-RESUME");
    }
}
