package dev.torpor.guest.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.tools.Torpor;
import dev.torpor.guest.GuestLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Torpor hibernating and resuming real Debian kernels (6.1, and 6.12 from bookworm-backports) from Java inside
 * QEMU guests (TCG, 1 GiB). Per kernel, two runs:
 *
 * <p>{@code torpor demo} as a user runs it: Torpor hibernates, {@code torpor resume} restores (scenario 2), with
 * the demo's own checks (image valid on the host, memory intact, no class loaded while frozen, image consumed).
 *
 * <p>A chain in one guest, each hibernation remembered by a random marker and 8 MiB of random data in RAM files,
 * the host choosing how each is resumed:
 * <ol>
 *   <li>Torpor hibernates, the kernel's own resume restores it (scenario 1);</li>
 *   <li>the kernel hibernates ({@code echo disk > /sys/power/state}), {@code torpor resume} restores it (3);</li>
 *   <li>Torpor hibernates into its encrypted kind: on a copy of the disk {@code torpor resume} with the wrong key
 *       refuses, leaves a plain swap area and the guest boots normally; with the right key it restores (5).</li>
 * </ol>
 * The JVM logs every class it loads, and a preload library reports every file it opens: no class may load
 * and no file may be opened between "torpor: freezing" and the power-off. The kernel's and
 * Torpor's write and read rates go to {@code target/guest-performance.txt}.
 *
 * <p>The four runs share two threads, one guest per host core (a TCG guest uses one), so the whole proof fits the
 * time the test command allows for QEMU.
 */
@Tag("guest-java")
class TorporInTheGuestTest {
    private static final String BACKPORTS = "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
            + "http://deb.debian.org/debian bookworm-backports main";

    @TempDir
    Path tmp;

    @Test
    void onBothKernelsTorporHibernatesAndResumesFiveWays() throws Exception {
        List<Callable<Void>> runs = List.of(
                () -> demo("6.1", null, "lzo"),
                () -> demo("6.12", BACKPORTS, "lz4"),
                () -> chain("6.1", null, "lzo"),
                () -> chain("6.12", BACKPORTS, "lz4"));
        GuestKit.sideBySide(runs);
    }

    /** {@code torpor demo --json}, exactly as the README runs it but with a work directory under target/. */
    private Void demo(String kernel, String sources, String compressor) throws Exception {
        List<String> args = new ArrayList<>(List.of("demo", "--json", "--compress", compressor,
                "--work", Path.of("target", "qemu-demo-" + kernel).toString(), "--jar", torporJar().toString()));
        if (sources != null) {
            args.addAll(List.of("--sources", sources));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Torpor.run(dev.torpor.guest.demo.DemoMain.commandLine(), new PrintWriter(out), new PrintWriter(err),
                args.toArray(new String[0]));
        assertThat(exit).as("torpor demo on %s:%n%s%s", kernel, err, out).isZero();
        JsonNode report = new ObjectMapper().readTree(out.toString());
        assertThat(report.get("ok").asBoolean()).isTrue();
        assertThat(report.get("kernelRelease").asText()).startsWith(kernel + ".");
        assertThat(report.get("compressor").asText()).isEqualTo(compressor);
        assertThat(report.get("checks")).as("seven of Torpor, one of the kernel's reference boots").hasSize(8);
        for (JsonNode c : report.get("checks")) {
            assertThat(c.get("ok").asBoolean()).as(c.toString()).isTrue();
        }
        assertThat(report.at("/written/kbytes").asLong()).isPositive();
        assertThat(report.at("/read/kbytes").asLong()).isEqualTo(report.at("/written/kbytes").asLong());
        assertThat(report.get("imagePages").asLong()).isPositive();
        assertThat(report.at("/restored/megabytesPerSecond").asDouble()).as("the whole resume's rate").isPositive();
        assertThat(report.at("/kernel/written/megabytesPerSecond").asDouble()).as("the kernel's own rate").isPositive();
        assertThat(report.at("/kernel/read/megabytesPerSecond").asDouble()).isPositive();
        assertThat(report.at("/ratios/written").asDouble()).isPositive();
        assertThat(report.at("/ratios/restored").asDouble()).isPositive();
        System.out.printf("demo %s %s: %s%n", kernel, compressor, report);
        return null;
    }

    private Void chain(String kernel, String sources, String compressor) throws Exception {
        Path where = Path.of("target", sources == null ? "qemu" : "qemu-bpo");
        GuestKit kit = GuestKit.prepare(where, "linux-image-amd64", sources).withJava(torporJar());
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
        String beforeRestore = b3.substring(0, b3.indexOf("TORPOR-GUEST RESUMED"));
        assertThat(beforeRestore.contains("FREEZE and the restore are one native call")
                || beforeRestore.contains("JIT stopped, compile queues empty, reference processing done"))
                .as("torpor resume froze and restored in one native call, or came to rest before FREEZE").isTrue();
        String m3 = remembered(b3, 3);
        assertNothingLoadedWhileFrozen(b3);
        assertThat(cli("inspect", disk.toString())).as("the encrypted kind has its own verdict")
                .isEqualTo(dev.torpor.tools.ExitCodes.ENCRYPTED);

        Path copy = dir.resolve("copy.img");
        Files.copy(disk, copy);
        String b4 = kit.boot(copy, "torpor.mode=javaresume torpor.key=wrong", 900, true);
        assertThat(b4).as(b4).contains("TORPOR-GUEST resume-exit=2").contains("TORPOR-GUEST NO-RESUME")
                .doesNotContain("TORPOR-GUEST RESUMED");
        assertThat(cli("inspect", copy.toString())).as("refused means invalidated: a plain swap area").isEqualTo(1);

        String b5 = kit.boot(disk, "torpor.mode=javaresume torpor.key=right", 900, true);
        assertThat(b5).as(b5).contains("TORPOR-GUEST RESUMED " + m3).contains("TORPOR-GUEST step=4 done");
        assertThat(cli("inspect", disk.toString())).as("the image was consumed").isEqualTo(1);

        recordPerformance(kernel, compressor, b1, b2, b3);
        return null;
    }

    private static Path torporJar() {
        return Path.of(System.getProperty("torpor.jar", "target/torpor.jar"));
    }

    /** The marker and data hash the guest printed before hibernation {@code step}. */
    private static String remembered(String console, int step) {
        Matcher m = Pattern.compile("TORPOR-GUEST step=" + step + " .*\\R(?:.*\\R)*?TORPOR-GUEST (marker=[0-9a-f]{32} "
                + "ballast=[0-9a-f]{64})").matcher(console);
        assertThat(m.find()).as("step %d in:%n%s", step, console).isTrue();
        return m.group(1);
    }

    /**
     * Between "torpor: freezing" and the power-off the JVM loaded no class and opened no file (a preload library
     * in the guest reports every open, opendir and dlopen of the JVM; it did report opens before).
     */
    private static void assertNothingLoadedWhileFrozen(String console) {
        assertThat(GuestLog.frozeAndPoweredOff(console)).as(console).isTrue();
        assertThat(console.substring(console.lastIndexOf("torpor: freezing"))).contains("torpor: image stored");
        assertThat(GuestLog.classesLoadedWhileFrozen(console)).as("classes loaded after the snapshot").isEmpty();
        assertThat(GuestLog.wasAtRest(console)).as("the JVM at rest before freezing: %s",
                GuestLog.jvmAtRest(console)).isTrue();
        assertThat(GuestLog.filesOpenedBeforeFreezing(console)).as("file opens are traced").isPositive();
        assertThat(GuestLog.filesOpenedWhileFrozen(console)).as("files opened after the snapshot").isEmpty();
    }

    /** Torpor's rates (hibernate in b1, resume in b3) against the kernel's (resume and hibernate in b2). */
    private static void recordPerformance(String kernel, String compressor, String b1, String b2, String b3)
            throws Exception {
        String line = String.format("%s %s: torpor wrote %s, kernel wrote %s; torpor read and wrote into the device %s,"
                        + " whole resume %s, kernel read %s; torpor resident %s kB%n", kernel, compressor,
                text(GuestLog.torporWrote(b1)), text(GuestLog.kernelWrote(b2)), text(GuestLog.torporRead(b3)),
                text(GuestLog.torporRestored(b3)), text(GuestLog.kernelRead(b2)),
                GuestLog.residentKb(b1).map(String::valueOf).orElse("?"));
        System.out.print(line);
        synchronized (TorporInTheGuestTest.class) {
            Files.writeString(Path.of("target", "guest-performance.txt"), line, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static String text(java.util.Optional<GuestLog.Rate> rate) {
        return rate.map(Object::toString).orElse("?");
    }

    private static int cli(String... args) {
        return Torpor.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    }
}
