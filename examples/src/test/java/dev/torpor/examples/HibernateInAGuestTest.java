package dev.torpor.examples;

import dev.torpor.guest.DebianKernel;
import dev.torpor.guest.GuestLog;
import dev.torpor.guest.Guests;
import dev.torpor.guest.HostProgram;
import dev.torpor.guest.JavaRuntime;
import dev.torpor.guest.QemuGuest;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.Verdict;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hibernating example in a QEMU guest of Debian's current kernel (TCG, one vCPU, 1 GiB): the integrator's jar,
 * with nothing of Torpor's CLI on its class path, hibernates the guest through {@code SafeHibernation}; the image on
 * the guest's disk is a valid kernel image on the host; the kernel's own resume restores it, and the example returns
 * in the restored guest with its memory intact.
 */
@Tag("guest")
class HibernateInAGuestTest {
    private static final Pattern CLASS_LOAD = Pattern.compile("(?m)^\\[[0-9.]+s\\] \\S+ source: .*$");

    @TempDir
    Path tmp;

    @Test
    void theExampleHibernatesTheGuestAndTheKernelResumesIt() throws Exception {
        Path cache = Path.of(System.getProperty("torpor.guestCache", "target/qemu"));
        DebianKernel kernel = DebianKernel.fetch(cache, "linux-image-amd64", null);
        QemuGuest plain = Guests.plain(Files.createDirectories(Path.of("target", "qemu")), kernel,
                Path.of("/bin/busybox"));
        Path jrt = JavaRuntime.ensure(Path.of(System.getProperty("java.home")), Path.of("target", "qemu-jrt").toAbsolutePath());
        QemuGuest guest = Guests.withJava(plain, jrt, Path.of(System.getProperty("torpor.jar")),
                Map.of("opt/example.jar", Files.readAllBytes(Path.of(System.getProperty("examples.jar")))));
        Path disk = tmp.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(768L << 20);
        }
        HostProgram.run(tmp, "mkswap", disk.toString());

        String hibernated = boot(guest, disk, "torpor.mode=example");
        assertThat(hibernated).as(hibernated).contains("example: rehearsed", "example: locked in memory",
                "example: image created", "example: writing 100%", "example: image stored, powering off");
        int frozen = hibernated.lastIndexOf("example: freezing");
        int off = hibernated.indexOf("reboot: Power down", Math.max(frozen, 0));
        assertThat(frozen).as(hibernated).isPositive();
        assertThat(off).as("the guest powered off after the freeze").isGreaterThan(frozen);
        assertThat(classLoads(hibernated.substring(frozen, off))).as("classes loaded while frozen").isEmpty();
        try (HibernationImage image = HibernationImage.open(disk)) {
            assertThat(image.inspect(false).verdict()).as("a valid kernel image on the host").isEqualTo(Verdict.VALID);
        }
        GuestLog.Memory remembered = GuestLog.remembered(hibernated).orElseThrow();

        String resumed = boot(guest, disk, "torpor.mode=resume");
        assertThat(resumed).as(resumed).contains("example: resumed after", "TORPOR-GUEST example-exit=0",
                "TORPOR-GUEST RESUMED " + remembered).doesNotContain("TORPOR-GUEST NO-RESUME");
    }

    private static String boot(QemuGuest guest, Path disk, String args) throws Exception {
        Path live = Path.of("target", "console-" + args.replaceAll("\\W", "-") + ".log").toAbsolutePath();
        QemuGuest.Console c = guest.boot(disk, args, Duration.ofMinutes(20), true, live, line -> { });
        System.out.printf("guest [%s] ran %d s (%s)%n", args, c.ran().toSeconds(), live);
        return c.text();
    }

    private static List<String> classLoads(String console) {
        List<String> found = new ArrayList<>();
        Matcher m = CLASS_LOAD.matcher(console);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }
}
