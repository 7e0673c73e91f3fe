package dev.torpor.tools.qemu;

import dev.torpor.tools.Torpor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Torpor hibernating and resuming real Debian kernels from Java inside QEMU guests (TCG, 1 GiB). One guest runs a
 * chain of four hibernations, each remembered by a random marker and 8 MiB of random data in RAM files, and the
 * host chooses how each is resumed:
 *
 * <ol>
 *   <li>Torpor hibernates, the kernel's own resume restores it (scenario 1);</li>
 *   <li>the kernel hibernates ({@code echo disk > /sys/power/state}), {@code torpor resume} restores it (3);</li>
 *   <li>Torpor hibernates, {@code torpor resume} restores it (2);</li>
 *   <li>Torpor hibernates into its encrypted kind: on a copy of the disk {@code torpor resume} with the wrong key
 *       refuses, leaves a plain swap area and the guest boots normally; with the right key it restores (5).</li>
 * </ol>
 *
 * Each restored guest prints the marker and the data's SHA-256 it had before. The JVM logs every class it loads:
 * none may load between "torpor: freezing" and the power-off. The kernel's and Torpor's write and read rates are
 * collected in {@code target/guest-performance.txt}.
 */
@Tag("guest-java")
class TorporInTheGuestTest {
    private static final Pattern CLASS_LOAD = Pattern.compile("(?m)^\\[[0-9.]+s\\] \\S+ source: .*$");

    @TempDir
    Path tmp;

    /**
     * Both kernels at once, one guest each (a guest uses one host core under TCG): the whole proof then fits the
     * time the test command allows for QEMU.
     */
    @Test
    void onBothKernelsFourHibernationsAreResumedFourWays() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<?> k61 = pool.submit(() -> {
                chain("6.1", null, "lzo");
                return null;
            });
            java.util.concurrent.Future<?> k612 = pool.submit(() -> {
                chain("6.12", "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                        + "http://deb.debian.org/debian bookworm-backports main", "lz4");
                return null;
            });
            List<Throwable> failures = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<?> f : List.of(k61, k612)) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            if (!failures.isEmpty()) {
                AssertionError all = new AssertionError(failures.size() + " kernel(s) failed: " + failures.get(0));
                failures.forEach(all::addSuppressed);
                throw all;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void chain(String kernel, String sources, String compressor) throws Exception {
        Path where = Path.of("target", sources == null ? "qemu" : "qemu-bpo");
        GuestKit kit = GuestKit.prepare(where, "linux-image-amd64", sources)
                .withJava(Path.of(System.getProperty("torpor.jar", "target/torpor.jar")));
        Path dir = Files.createDirectories(tmp.resolve(kernel));
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(768L << 20);
        }
        GuestKit.run(dir, "mkswap", disk.toString());

        String b1 = kit.boot(disk, "torpor.mode=chain torpor.compress=" + compressor, 900, true);
        String m1 = remembered(b1, 1);
        assertThat(b1).as(b1).contains("torpor: image stored").doesNotContain("TORPOR-GUEST RESUMED");
        assertNothingLoadedWhileFrozen(b1);
        assertThat(cli("inspect", disk.toString())).as("Torpor wrote a valid kernel image").isZero();

        String b2 = kit.boot(disk, "torpor.mode=resume", 900, true);
        assertThat(b2).as(b2).contains("TORPOR-GUEST RESUMED " + m1).contains("torpor: resumed after")
                .contains("TORPOR-GUEST hibernate-exit=0");
        String m2 = remembered(b2, 2);
        assertThat(cli("inspect", disk.toString())).as("the kernel wrote a valid image").isZero();

        String b3 = kit.boot(disk, "torpor.mode=javaresume", 900, true);
        assertThat(b3).as(b3).contains("TORPOR-GUEST RESUMED " + m2).doesNotContain("NO-RESUME");
        String m3 = remembered(b3, 3);
        assertNothingLoadedWhileFrozen(b3);

        String b4 = kit.boot(disk, "torpor.mode=javaresume", 900, true);
        assertThat(b4).as(b4).contains("TORPOR-GUEST RESUMED " + m3);
        String m4 = remembered(b4, 4);
        assertNothingLoadedWhileFrozen(b4);
        assertThat(cli("inspect", disk.toString())).as("the encrypted kind is not the kernel's").isEqualTo(3);

        Path copy = dir.resolve("copy.img");
        Files.copy(disk, copy);
        String b5 = kit.boot(copy, "torpor.mode=javaresume torpor.key=wrong", 900, true);
        assertThat(b5).as(b5).contains("TORPOR-GUEST resume-exit=2").contains("TORPOR-GUEST NO-RESUME")
                .doesNotContain("TORPOR-GUEST RESUMED");
        assertThat(cli("inspect", copy.toString())).as("refused means invalidated: a plain swap area").isEqualTo(1);

        String b6 = kit.boot(disk, "torpor.mode=javaresume torpor.key=right", 900, true);
        assertThat(b6).as(b6).contains("TORPOR-GUEST RESUMED " + m4).contains("TORPOR-GUEST step=5 done");
        assertThat(cli("inspect", disk.toString())).as("the image was consumed").isEqualTo(1);

        recordPerformance(kernel, compressor, b1, b2, b3);
    }

    /** The marker and data hash the guest printed before hibernation {@code step}. */
    private static String remembered(String console, int step) {
        Matcher m = Pattern.compile("TORPOR-GUEST step=" + step + " .*\\R(?:.*\\R)*?TORPOR-GUEST (marker=[0-9a-f]{32} "
                + "ballast=[0-9a-f]{64})").matcher(console);
        assertThat(m.find()).as("step %d in:%n%s", step, console).isTrue();
        return m.group(1);
    }

    /** Between "torpor: freezing" and the power-off the JVM loaded no class (nothing read from a file system). */
    private static void assertNothingLoadedWhileFrozen(String console) {
        int from = console.lastIndexOf("torpor: freezing");
        int to = console.indexOf("reboot: Power down", from);
        assertThat(from).as(console).isNotNegative();
        assertThat(to).as(console).isGreaterThan(from);
        String frozen = console.substring(from, to);
        assertThat(frozen).contains("torpor: image stored");
        Matcher m = CLASS_LOAD.matcher(frozen);
        List<String> loads = new java.util.ArrayList<>();
        while (m.find()) {
            loads.add(m.group());
        }
        assertThat(loads).as("classes loaded after the snapshot").isEmpty();
    }

    private static void recordPerformance(String kernel, String compressor, String b1, String b2, String b3)
            throws Exception {
        String torporWrote = rate(b1, "torpor: image stored .*Wrote (\\d+) kbytes \\(([0-9.]+) MB/s\\)");
        String kernelRead = rate(b2, "PM: (?:hibernation: )?Read (\\d+) kbytes in [0-9.]+ seconds \\(([0-9.]+) MB/s\\)");
        String kernelWrote = rate(b2, "PM: (?:hibernation: )?Wrote (\\d+) kbytes in [0-9.]+ seconds \\(([0-9.]+) MB/s\\)");
        String torporRead = rate(b3, "torpor: verified .*Read (\\d+) kbytes \\(([0-9.]+) MB/s\\)");
        String locked = b1.lines().filter(l -> l.startsWith("torpor: locked in memory")).findFirst().orElse("?");
        String line = String.format("%s %s: torpor wrote %s, kernel wrote %s; torpor read %s, kernel read %s; %s%n",
                kernel, compressor, torporWrote, kernelWrote, torporRead, kernelRead, locked);
        System.out.print(line);
        synchronized (TorporInTheGuestTest.class) {
            Files.writeString(Path.of("target", "guest-performance.txt"), line, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static String rate(String console, String regex) {
        Matcher m = Pattern.compile(regex).matcher(console);
        return m.find() ? m.group(1) + " kB at " + m.group(2) + " MB/s" : "?";
    }

    private static int cli(String... args) {
        return Torpor.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    }
}
