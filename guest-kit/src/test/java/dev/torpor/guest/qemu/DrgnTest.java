package dev.torpor.guest.qemu;

import dev.torpor.guest.DebianKernel;
import dev.torpor.guest.GuestLog;
import dev.torpor.guest.HostProgram;
import dev.torpor.image.io.export.ExportFormat;
import dev.torpor.image.io.export.MemoryExport;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.KernelIdentity;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An analyst's question answered with a real tool: which processes were running? A guest with the kernel the archive
 * offers now (6.1, and 6.12 from bookworm-backports) hibernates with {@code torpor hibernate} while a process the test
 * named is waiting; Torpor exports the image as an ELF core; drgn, with the exact kernel's debug {@code vmlinux},
 * lists the tasks, and the test's process and the hibernating JVM are among them; bookworm's crash finds them in the
 * 6.1 core as well. Inspect's kernel identity is checked against the debug file's build ID.
 */
@Tag("guest-java")
class DrgnTest {
    private static final String BACKPORTS = "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
            + "http://deb.debian.org/debian bookworm-backports main";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"6.1", "6.12"})
    void drgnListsTheProcessesOfAHibernatedGuestFromTorporsElfCore(String kernel) throws Exception {
        String sources = kernel.equals("6.1") ? null : BACKPORTS;
        Path where = Path.of("target", sources == null ? "qemu" : "qemu-bpo");
        GuestKit kit = GuestKit.prepare(where, "linux-image-amd64", sources)
                .withJava(Path.of(System.getProperty("torpor.jar", "target/torpor.jar")));
        String release = DebianKernel.fetch(where, "linux-image-amd64", sources).release();
        Path disk = tmp.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(768L << 20);
        }
        GuestKit.run(tmp, "mkswap", disk.toString());
        // a process name of 14 characters (the kernel keeps 15): "tm" and 12 random hex digits
        String marker = "tm" + Long.toHexString(ThreadLocalRandom.current().nextLong(1L << 44, 1L << 48));
        String console = kit.boot(disk, "torpor.mode=javahibernate torpor.compress=lzo torpor.marker=" + marker, 1200,
                true);
        assertThat(console).as(console).contains("TORPOR-GUEST marker-process=" + marker);
        assertThat(GuestLog.frozeAndPoweredOff(console)).as(console).isTrue();

        Path elf = tmp.resolve("memory.elf");
        KernelIdentity identity;
        try (HibernationImage image = HibernationImage.open(disk)) {
            identity = image.inspect(false).kernel().orElseThrow();
            MemoryExport.export(image, ExportFormat.ELF, elf, false);
        }
        assertThat(identity.release()).contains(release);
        assertThat(identity.recordAgrees()).contains(true);

        Path vmlinux = DebugVmlinux.of(release, sources);
        String notes = HostProgram.run(tmp, "readelf", "-n", vmlinux.toString());
        assertThat(notes).as("the debug vmlinux's build ID is the one VMCOREINFO names")
                .contains("Build ID: " + identity.buildId().orElseThrow());

        Path script = tmp.resolve("tasks.py");
        try (var in = DrgnTest.class.getResourceAsStream("/drgn/tasks.py")) {
            Files.write(script, in.readAllBytes());
        }
        String tasks = HostProgram.run(tmp, "/usr/bin/python3", script.toString(), elf.toString(), vmlinux.toString());
        assertThat(tasks).as(tasks).contains("release " + release)
                .containsPattern("(?m)^1 init$")
                .containsPattern("(?m)^\\d+ " + marker + "$")
                .containsPattern("(?m)^\\d+ java$");
        System.out.printf("drgn on %s: %d tasks%n", release, tasks.lines().filter(l -> l.matches("\\d+ .*")).count());

        if (kernel.equals("6.1")) {
            // bookworm's crash opens the 6.1 core too (it does not know 6.12); its task list walks the same list
            Path commands = Files.writeString(tmp.resolve("crash.in"),
                    "sys\nlist task_struct.tasks -s task_struct.comm -h init_task\nquit\n");
            String crash = HostProgram.run(tmp, "sh", "-c", "crash -s '" + vmlinux + "' '" + elf + "' < '" + commands
                    + "'");
            assertThat(crash).as(crash).containsPattern("RELEASE: " + java.util.regex.Pattern.quote(release))
                    // crash prints the whole 16-byte field, NULs as \000
                    .contains("comm = \"" + marker + "\\000").contains("comm = \"java\\000");
        }
    }
}
