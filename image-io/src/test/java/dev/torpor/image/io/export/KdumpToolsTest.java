package dev.torpor.image.io.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's makedumpfile, a kdump tool, takes Torpor's ELF export of each corpus image as a kernel crash dump: it finds
 * the VMCOREINFO note, reads the hibernated kernel's log out of the memory, up to the line where the kernel counted
 * the pages of this very image, and converts the file to a filtered kdump file (dump level 31, which walks the
 * kernel's page structures).
 */
class KdumpToolsTest {
    @TempDir
    Path tmp;

    static List<String> names() {
        return Corpus.NAMES;
    }

    @ParameterizedTest
    @MethodSource("names")
    void makedumpfileReadsTheKernelLogAndFiltersTheDump(String name) throws Exception {
        Path elf = tmp.resolve(name + ".elf");
        ExportResult r;
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name))) {
            r = MemoryExport.export(image, ExportFormat.ELF, elf, false);
        }
        String release = Files.readAllLines(Corpus.dir().resolve(name + ".vmcoreinfo.txt")).get(0)
                .substring("OSRELEASE=".length());

        Path log = tmp.resolve(name + ".dmesg");
        run("makedumpfile", "--dump-dmesg", elf.toString(), log.toString());
        String dmesg = Files.readString(log, StandardCharsets.ISO_8859_1);
        assertThat(dmesg).contains("Linux version " + release)
                .contains("PM: hibernation: Need to copy " + r.pages() + " pages");

        Path kdump = tmp.resolve(name + ".kdump");
        run("makedumpfile", "-d", "31", "-c", elf.toString(), kdump.toString());
        try (InputStream in = Files.newInputStream(kdump)) {
            assertThat(new String(in.readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("KDUMP   ");
        }
        assertThat(Files.size(kdump)).isPositive().isLessThan(Files.size(elf));
        JsonNode expected = Corpus.expected(name);
        assertThat(r.pages()).isEqualTo(expected.get("pfns").asLong() + expected.get("zero_pfns").asLong());
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }
}
