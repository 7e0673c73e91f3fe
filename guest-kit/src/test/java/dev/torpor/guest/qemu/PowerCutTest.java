package dev.torpor.guest.qemu;

import dev.torpor.guest.QemuGuest;
import dev.torpor.tools.Torpor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Power cuts and signals at the worst moments, on real kernels in QEMU guests (TCG, 1 GiB). {@code torpor hibernate}
 * waits at a named moment ({@code -Dtorpor.pauseAt}) and the host kills QEMU there: before the first data page, in
 * the middle, between the last map page and the signature, right after the signature; and {@code torpor resume}
 * after the signature reset, before the restore. Each time the next boot runs {@code torpor resume} and then the
 * kernel's own resume: they find no image (and the area works as swap) or the complete one, which resumes with its
 * memory intact. Also: SIGTERM in the middle of the write (SysRq e, while everything else is frozen) leaves no image
 * and a thawed system; an active area that still carries a signature (written by the host into the disk) is
 * invalidated, and reused by the next hibernation. The 6.1 guest runs the power cuts, the 6.12 guest the rest, side by side.
 */
@Tag("guest-java")
class PowerCutTest {
    private static final String BACKPORTS = "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
            + "http://deb.debian.org/debian bookworm-backports main";
    private static final int TIMEOUT = 900;
    private static final Pattern REMEMBERED = Pattern.compile("TORPOR-GUEST (marker=[0-9a-f]{32} ballast=[0-9a-f]{64})");

    @TempDir
    Path tmp;

    @Test
    void noPowerCutOrSignalLeavesAPartialImage() throws Exception {
        List<Callable<Void>> runs = List.of(this::powerCuts, this::signalsAndActiveAreas);
        GuestKit.sideBySide(runs);
    }

    private Void powerCuts() throws Exception {
        GuestKit kit = GuestKit.prepare(Path.of("target", "qemu"), "linux-image-amd64").withJava(torporJar());
        Path dir = Files.createDirectories(tmp.resolve("cuts"));
        for (String moment : List.of("first-data", "middle", "before-signature")) {
            Path disk = disk(dir, moment + ".img");
            hibernateAndCut(kit, disk, moment);
            assertThat(cli("inspect", disk.toString())).as("cut at %s: no image, a plain swap area", moment)
                    .isEqualTo(1);
            assertBootsNormally(kit, disk, "cut at " + moment);
        }

        Path disk = disk(dir, "after-signature.img");
        String remembered = hibernateAndCut(kit, disk, "after-signature");
        assertThat(cli("inspect", disk.toString())).as("cut after the signature: a complete, valid image").isZero();
        // the kernel's resume restores it ...
        Path kernel = Files.copy(disk, dir.resolve("kernel.img"));
        String k = kit.boot(kernel, "torpor.mode=resume", TIMEOUT, true);
        assertThat(k).as(k).contains("TORPOR-GUEST RESUMED " + remembered).doesNotContain("TORPOR-GUEST NO-RESUME");
        // ... torpor resume cut before its restore leaves none ...
        Path cutResume = Files.copy(disk, dir.resolve("resume-cut.img"));
        QemuGuest.Console c = kit.boot(cutResume, "torpor.mode=aftercut torpor.javaopts=-Dtorpor.pauseAt=before-restore",
                TIMEOUT, cutAt("torpor: paused at before-restore"));
        assertThat(c.cut()).as(c.text()).isTrue();
        assertThat(cli("inspect", cutResume.toString())).as("the signature was reset before the restore").isEqualTo(1);
        assertBootsNormally(kit, cutResume, "cut in torpor resume");
        // ... and restores it uncut
        String t = kit.boot(disk, "torpor.mode=aftercut", TIMEOUT, true);
        assertThat(t).as(t).contains("TORPOR-GUEST RESUMED " + remembered).doesNotContain("TORPOR-GUEST NO-RESUME");
        assertThat(cli("inspect", disk.toString())).as("consumed").isEqualTo(1);
        return null;
    }

    private Void signalsAndActiveAreas() throws Exception {
        GuestKit kit = GuestKit.prepare(Path.of("target", "qemu-bpo"), "linux-image-amd64", BACKPORTS)
                .withJava(torporJar());
        Path dir = Files.createDirectories(tmp.resolve("signals"));
        Path disk = disk(dir, "sigterm.img");
        QemuGuest.Console c = kit.boot(disk, "torpor.mode=javahibernate torpor.compress=lz4 "
                + "torpor.javaopts=-Dtorpor.pauseAt=middle", TIMEOUT, (line, control) -> {
                    if (line.contains("torpor: paused at middle")) {
                        control.sysrq('e');
                    }
                });
        assertThat(c.cut()).isFalse();
        assertThat(c.text()).as(c.text()).contains("torpor: hibernation stopped (SIGTERM received) before the image was "
                        + "signed", "TORPOR-GUEST hibernate-exit=143", "TORPOR-GUEST swap works after the failure")
                .doesNotContain("TORPOR-GUEST RESUMED");
        assertThat(cli("inspect", disk.toString())).as("SIGTERM in the write: no image").isEqualTo(1);

        Path active = disk(dir, "active.img");
        QemuGuest.Console a = kit.boot(active, "torpor.mode=activearea", TIMEOUT, (line, control) -> {
            if (line.contains("TORPOR-GUEST waiting for a stale signature")) {
                staleSignature(active);
                control.type("go\n");
            }
        });
        String text = a.text();
        assertThat(text).as(text).contains("TORPOR-GUEST invalidate-plain-exit=1")
                .contains("TORPOR-GUEST signature now S1SUSPEND")
                .contains("TORPOR-GUEST invalidate-active-exit=0")
                .contains("is in use as swap but still carried an old S1SUSPEND image signature")
                .contains("torpor: image stored");
        Matcher m = REMEMBERED.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        assertThat(cli("inspect", active.toString())).as("the reused area holds the new image").isZero();
        String r = kit.boot(active, "torpor.mode=aftercut", TIMEOUT, true);
        assertThat(r).as(r).contains("TORPOR-GUEST RESUMED " + m.group(1));
        return null;
    }

    /**
     * Writes what a hibernation that never invalidated leaves: the swap magic saved, S1SUSPEND in its place. (A
     * hibernating JVM killed while the system is frozen cannot leave it: SIGKILL ends only its unfrozen thread, and
     * the frozen rest keeps /dev/snapshot open, so nothing thaws; SysRq i showed that in this guest.)
     */
    private static void staleSignature(Path disk) {
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.seek(4096 - 20);
            f.write("SWAPSPACE2S1SUSPEND\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Boots torpor hibernate pausing at {@code moment} and cuts the power there; returns what the guest remembered. */
    private static String hibernateAndCut(GuestKit kit, Path disk, String moment) throws Exception {
        QemuGuest.Console c = kit.boot(disk, "torpor.mode=javahibernate torpor.compress=lzo "
                + "torpor.javaopts=-Dtorpor.pauseAt=" + moment, TIMEOUT, cutAt("torpor: paused at " + moment));
        assertThat(c.cut()).as("paused at %s and cut:%n%s", moment, c.text()).isTrue();
        assertThat(c.text()).contains("torpor: freezing");
        Matcher m = REMEMBERED.matcher(c.text());
        assertThat(m.find()).as(c.text()).isTrue();
        return m.group(1);
    }

    /** torpor resume and the kernel's resume find no image; the area then works as swap. */
    private static void assertBootsNormally(GuestKit kit, Path disk, String after) throws Exception {
        String b = kit.boot(disk, "torpor.mode=aftercut", TIMEOUT, true);
        assertThat(b).as("%s:%n%s", after, b).contains("TORPOR-GUEST resume-exit=1",
                "TORPOR-GUEST the kernel found no image", "TORPOR-GUEST swapon ok", "TORPOR-GUEST NO-RESUME");
    }

    private static QemuGuest.LineListener cutAt(String line) {
        return (l, control) -> {
            if (l.contains(line)) {
                control.cutPower();
            }
        };
    }

    private static Path disk(Path dir, String name) throws Exception {
        Path disk = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(768L << 20);
        }
        GuestKit.run(dir, "mkswap", disk.toString());
        return disk;
    }

    private static Path torporJar() {
        return Path.of(System.getProperty("torpor.jar", "target/torpor.jar"));
    }

    private static int cli(String... args) {
        return Torpor.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    }
}
