package dev.torpor.guest.qemu;

import dev.torpor.guest.GuestLog;
import dev.torpor.tools.Torpor;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ten hibernations in a row with {@code torpor hibernate} in one guest (1 GiB, TCG), each resumed alternately by
 * the kernel and by {@code torpor resume}: every cycle restores the marker and 8 MiB of random RAM-file content the
 * guest wrote just before it, the used swap after each resume is what it was before the first hibernation (no slot
 * leaks), and Torpor's resident size while frozen does not grow: each cycle is a new JVM, whose size varies by up to
 * 10 MB from run to run (how many warm-up rehearsals it took), so the mean of the last five cycles may not exceed the
 * first five's by more than {@link #RESIDENT_GROWTH_KB}; a leak of 2 MiB a cycle would show 10 MiB. On 6.1 with
 * LZO, the defaults of bookworm; the other tests cover 6.12 (it passed this test too, see the site's safety page),
 * and a second ten-cycle chain would hold a host core for ten minutes of the suite's time.
 */
@Tag("guest-java")
class EnduranceTest {
    private static final int CYCLES = 10;
    private static final int TIMEOUT = 900;
    /** Above the noise of the mean of five JVM runs (about 2 MB), below what a leak of 2 MiB a cycle would add. */
    private static final long RESIDENT_GROWTH_KB = 8192;
    private static final Pattern USED_BEFORE = Pattern.compile("(?m)^TORPOR-GUEST before swapused-kib=(\\d+)");
    private static final Pattern LOCKED = Pattern.compile("torpor: resident now (\\d+) kB");

    @TempDir
    Path tmp;

    @Test
    void tenCyclesAlternatingTheKernelAndTorporResumeLoseNothingAndLeakNothing() throws Exception {
        cycles("6.1", null, "lzo");
    }

    private Void cycles(String kernel, String sources, String compressor) throws Exception {
        GuestKit kit = GuestKit.prepare(Path.of("target", sources == null ? "qemu" : "qemu-bpo"), "linux-image-amd64",
                sources).withJava(Path.of(System.getProperty("torpor.jar", "target/torpor.jar")));
        Path dir = Files.createDirectories(tmp.resolve(kernel));
        Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(768L << 20);
        }
        GuestKit.run(dir, "mkswap", disk.toString());

        String console = kit.boot(disk, "torpor.mode=endurance torpor.cycles=" + CYCLES + " torpor.compress="
                + compressor, TIMEOUT, true);
        Matcher before = USED_BEFORE.matcher(console);
        assertThat(before.find()).as(console).isTrue();
        long usedBefore = Long.parseLong(before.group(1));
        List<Long> resident = new ArrayList<>();
        List<String> resumedBy = new ArrayList<>();
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            String hibernated = console;
            assertThat(hibernated).as("cycle %d:%n%s", cycle, hibernated).contains("TORPOR-GUEST cycle=" + cycle
                    + " torpor hibernates").contains("torpor: image stored");
            String remembered = GuestLog.remembered(hibernated).orElseThrow().toString();
            resident.add(GuestLog.residentKb(lastHibernation(hibernated)).orElseThrow());
            assertThat(cli("inspect", disk.toString())).as("cycle %d left a valid kernel image", cycle).isZero();

            boolean byKernel = cycle % 2 == 1;
            resumedBy.add(byKernel ? "kernel" : "torpor");
            console = kit.boot(disk, byKernel ? "torpor.mode=resume" : "torpor.mode=javaresume", TIMEOUT, true);
            assertThat(console).as("cycle %d resumed by %s:%n%s", cycle, resumedBy.get(cycle - 1), console)
                    .contains("TORPOR-GUEST RESUMED " + remembered).contains("TORPOR-GUEST hibernate-exit=0")
                    .contains("TORPOR-GUEST cycle=" + cycle + " swapused-kib=" + usedBefore)
                    .doesNotContain("TORPOR-GUEST NO-RESUME");
        }
        assertThat(console).contains("TORPOR-GUEST endurance done");
        assertThat(cli("inspect", disk.toString())).as("the last image was consumed").isEqualTo(1);
        double firstHalf = resident.subList(0, CYCLES / 2).stream().mapToLong(Long::longValue).average().orElseThrow();
        double lastHalf = resident.subList(CYCLES / 2, CYCLES).stream().mapToLong(Long::longValue).average()
                .orElseThrow();
        String line = String.format("endurance %s %s: %d cycles (resumed by %s), swap used %d kB before and after "
                + "every cycle, resident while frozen %s kB%n", kernel, compressor, CYCLES, String.join(",", resumedBy),
                usedBefore, resident);
        System.out.print(line);
        synchronized (EnduranceTest.class) {
            Files.writeString(Path.of("target", "guest-endurance.txt"), line, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        assertThat(lastHalf - firstHalf).as("growth of the resident size while frozen, per cycle: %s kB", resident)
                .isLessThanOrEqualTo(RESIDENT_GROWTH_KB);
        return null;
    }

    /** The console from the last hibernation on: a resumed cycle's console also holds the one before it. */
    private static String lastHibernation(String console) {
        return console.substring(console.lastIndexOf("torpor hibernates"));
    }

    private static int cli(String... args) {
        return Torpor.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    }
}
