package dev.torpor.tools;

import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code torpor hibernate} and {@code torpor resume} on this machine: the dry run on the emulator, and the error
 * paths of the real commands with harmless stand-ins for /dev/snapshot (/dev/zero, /dev/null). Nothing here opens
 * the machine's own /dev/snapshot; real hibernations run in QEMU guests (TorporInTheGuestTest).
 */
class LifecycleCliTest {
    @TempDir
    Path tmp;

    @Test
    void theDryRunHibernatesAndRestoresAnEmulatedMachine() {
        Cli.Result r = Cli.run("hibernate", "--dry-run", "--compress", "lz4");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("torpor: rehearsal ok", "torpor: freezing", "torpor: image created",
                "torpor: writing 100%", "torpor: image stored", "memory intact");
    }

    @Test
    void theDryRunWritesAndRestoresTheEncryptedKind() throws Exception {
        Path key = Files.write(tmp.resolve("key"), new byte[32]);
        Cli.Result r = Cli.run("hibernate", "--dry-run", "--encrypt", key.toString(), "--shutdown", "platform");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("memory intact");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(Cli.run("hibernate", "--dry-run", "--compress", "zstd").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("hibernate", "--dry-run", "--shutdown", "halt").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("hibernate", "--dry-run", "--attempts", "0").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(Cli.run("hibernate", "--help").out()).contains("mlockall", "GuaranteedSafepointInterval",
                "--dry-run");
    }

    @Test
    void resumeFindsNoImageInAPlainSwapArea() throws Exception {
        Path area = tmp.resolve("plain.swap");
        Files.copy(Corpus.swap("k61-lzo"), area);
        assertThat(Cli.run("invalidate", area.toString()).exit()).isZero();
        Cli.Result r = Cli.run("resume", "--device", area.toString(), "--check-only");
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.NO_IMAGE);
        assertThat(r.out()).contains("no hibernation image");
    }

    /** A second hibernate, in another process, while one holds the lock: refused at once, before any rehearsal. */
    @Test
    void aSecondHibernateIsRefusedAtOnce() throws Exception {
        Path area = tmp.resolve("area.swap");
        Files.copy(Corpus.swap("k612-lzo"), area);
        assertThat(Cli.run("invalidate", area.toString()).exit()).isZero();
        Path lockFile = tmp.resolve("hibernate.lock");
        try (HibernationLock held = HibernationLock.take(lockFile)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx64m", "-Dtorpor.hibernate.lock=" + lockFile, "-cp",
                    System.getProperty("java.class.path"), Torpor.class.getName(), "hibernate", "--device",
                    area.toString(), "--snapshot-device", "/dev/zero").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(out).contains("another torpor hibernate is running (PID " + ProcessHandle.current().pid()
                    + "): it holds " + lockFile + "; wait for it to finish").doesNotContain("rehearsal");
        }
        try (HibernationLock again = HibernationLock.take(lockFile)) {
            assertThat(Files.readString(lockFile).strip()).as("free again, and ours")
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
    }

    @Test
    void resumeFromADeviceThatDoesNotExistBootsNormallyAndSaysWhere() {
        Cli.Result r = Cli.run("resume", "--device", "UUID=0f1e2d3c-0000-4000-8000-00000000dead");
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.NO_IMAGE);
        assertThat(r.out()).contains("torpor: the resume device /dev/disk/by-uuid/0f1e2d3c-0000-4000-8000-00000000dead "
                + "(command line) does not exist, so there is nothing to resume; booting normally");
    }

    @Test
    void resumeAtAnOffsetThatIsNoSwapHeaderFindsNoImageAndSaysTheOffsetMayBeStale() throws Exception {
        Path area = tmp.resolve("plain.swap");
        Files.copy(Corpus.swap("k61-lzo"), area);
        assertThat(Cli.run("invalidate", area.toString()).exit()).isZero();
        Cli.Result r = Cli.run("resume", "--device", area.toString(), "--resume-offset", "3", "--check-only");
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.NO_IMAGE);
        assertThat(r.out()).contains("no hibernation image in " + area + " at resume_offset 3: that page is not a swap "
                + "header (is resume_offset stale? torpor swap-offset FILE gives a swap file's)");
    }

    /**
     * A real 6.1 image on this machine: the architecture matches, the memory size does not (the guest had 256 MiB),
     * so the kernel would refuse it; torpor resume says so, and without --check-only also invalidates it.
     */
    @Test
    void resumeRefusesAnImageOfAnotherMachineAndInvalidatesIt() throws Exception {
        Path area = tmp.resolve("k61.swap");
        Files.copy(Corpus.swap("k61-lzo"), area);
        Cli.Result check = Cli.run("resume", "--device", area.toString(), "--check-only");
        assertThat(check.exit()).as(check.all()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(check.out()).contains("would be refused", "physical pages");
        assertThat(Cli.run("inspect", area.toString()).exit()).as("--check-only changes nothing").isZero();

        Cli.Result r = Cli.run("resume", "--device", area.toString(), "--snapshot-device", "/dev/null");
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(r.err()).contains("refused and invalidated", "physical pages");
        assertThat(Cli.run("inspect", area.toString()).exit()).as("a plain swap area now").isEqualTo(1);
    }

    @Test
    void resumeInvalidatesADamagedImage() throws Exception {
        Path area = tmp.resolve("damaged.swap");
        Files.copy(Corpus.swap("k612-lzo"), area);
        try (var ch = java.nio.channels.FileChannel.open(area, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[4096]), 40L * 4096 * 16); // zero a page of compressed data
        }
        Cli.Result r = Cli.run("resume", "--device", area.toString(), "--snapshot-device", "/dev/null");
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(r.err()).contains("invalidated");
        assertThat(Cli.run("inspect", area.toString()).exit()).isEqualTo(1);
    }

    /**
     * The real hibernate path up to the first ioctl, in a child JVM (it locks itself in memory): /dev/zero as the
     * snapshot device answers SET_SWAP_AREA with ENOTTY, so nothing is frozen; the command reports the failure,
     * exits 1 and leaves the swap area plain.
     */
    @Test
    void aFailingSnapshotDeviceEndsHibernationCleanly() throws Exception {
        Path area = tmp.resolve("area.swap");
        Files.copy(Corpus.swap("k61-nocompress"), area);
        assertThat(Cli.run("invalidate", area.toString()).exit()).isZero();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-Dtorpor.hibernate.lock=" + tmp.resolve("lock"),
                "-cp", System.getProperty("java.class.path"), Torpor.class.getName(), "hibernate", "--device",
                area.toString(), "--snapshot-device", "/dev/zero", "--resume-offset", "0").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(ExitCodes.NO_IMAGE);
        assertThat(out).contains("torpor: rehearsal ok", "torpor: locked in memory", "hibernation failed",
                "SET_SWAP_AREA");
        assertThat(Cli.run("inspect", area.toString()).exit()).isEqualTo(1);
    }
}
