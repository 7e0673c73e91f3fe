package dev.torpor.guest.qemu;

import dev.torpor.guest.GuestLog;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The floor of the resume's device phase (issue 10), measured in the guest that resumes: a C loop writes the same
 * uncompressed stream into {@code /dev/snapshot} in the same 64-page {@code writev} calls and closes the device
 * unrestored, then does the CPU part of a whole resume (decode, CRC32, device) from units it compressed in memory;
 * then {@code torpor resume}, in the same boot, restores the system. Both costs are printed for the
 * performance page, never asserted: what is asserted is that the C loop took every page and the resume restored.
 */
@Tag("guest-java")
class DeviceFloorTest {
    @TempDir
    Path tmp;

    @Test
    void theCLoopOfTheResumesWritesTakesTheWholeStreamAndTorporResumesAfterIt() throws Exception {
        GuestKit kit = GuestKit.prepare(Path.of("target", "qemu"), "linux-image-amd64")
                .withJava(Path.of(System.getProperty("torpor.jar", "target/torpor.jar")));
        Path disk = tmp.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(768L << 20);
        }
        GuestKit.run(tmp, "mkswap", disk.toString());
        String hibernated = kit.boot(disk, "torpor.mode=javahibernate torpor.compress=lzo", 1200, true);
        assertThat(GuestLog.frozeAndPoweredOff(hibernated)).as(hibernated).isTrue();
        String remembered = GuestLog.remembered(hibernated).orElseThrow().toString();

        // more JVM options for the resume, to measure what they change (-Dtorpor.floor.javaopts=-XX:A,-XX:B)
        // and the resume names the threads that took the CPU
        String opts = "-Dtorpor.report.threads=true" + System.getProperty("torpor.floor.javaopts", "")
                .transform(o -> o.isEmpty() ? "" : "," + o);
        String resumed = kit.boot(disk, "torpor.mode=devicefloor torpor.javaopts=" + opts, 1200, true);
        Matcher c = Pattern.compile("TORPOR-GUEST snapwrite pages=(\\d+) .*").matcher(resumed);
        assertThat(c.find()).as(resumed).isTrue();
        assertThat(resumed).as(resumed).contains("TORPOR-GUEST snapwrite-exit=0")
                .contains("TORPOR-GUEST RESUMED " + remembered).doesNotContain("TORPOR-GUEST NO-RESUME");
        Matcher phases = Pattern.compile("torpor: resume phases: [^\\r\\n]*").matcher(resumed);
        Matcher stream = Pattern.compile("torpor: resume stream: [^\\r\\n]*").matcher(resumed);
        assertThat(phases.find() && stream.find()).as(resumed).isTrue();
        Matcher v = Pattern.compile("torpor: verified (\\d+) pages").matcher(resumed);
        assertThat(v.find()).as(resumed).isTrue();
        assertThat(Long.parseLong(c.group(1))).as("the C loop wrote the stream torpor resume verified")
                .isEqualTo(Long.parseLong(v.group(1)));
        // the CPU part of a whole resume in C: decode, CRC32 and device, from units compressed in memory
        Matcher r = Pattern.compile("TORPOR-GUEST snapwrite-resume pages=(\\d+) [^\\r\\n]*").matcher(resumed);
        assertThat(r.find()).as(resumed).isTrue();
        assertThat(Long.parseLong(r.group(1))).as("the C resume wrote every page").isEqualTo(Long.parseLong(c.group(1)));
        System.out.println("device floor, C: " + c.group());
        System.out.println("device floor, C resume without the disk: " + r.group());
        Matcher crc = Pattern.compile("TORPOR-GUEST snapwrite-crc [^\\r\\n]*").matcher(resumed);
        System.out.println("device floor, CRC32 variants in C: " + (crc.find() ? crc.group() : "none"));
        Matcher read = Pattern.compile("TORPOR-GUEST snapwrite-read [^\\r\\n]*").matcher(resumed);
        System.out.println("device floor, O_DIRECT reads in C: " + (read.find() ? read.group() : "none"));
        StringBuilder cpu = new StringBuilder();
        Matcher jit = Pattern.compile("torpor: (resume|restoring): [^\\r\\n]*").matcher(resumed);
        while (jit.find()) {
            cpu.append("; ").append(jit.group());
        }
        System.out.println("device floor, torpor: " + phases.group() + "; " + stream.group() + cpu);
    }
}
