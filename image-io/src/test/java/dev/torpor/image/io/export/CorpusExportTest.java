package dev.torpor.image.io.export;

import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Extracts the memory of every corpus image in every format and finds each tagged page at the physical
 * address the resumed guest reported, and the guest's secret line somewhere in memory.
 */
class CorpusExportTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (String n : Corpus.NAMES) {
            for (ExportFormat f : ExportFormat.values()) {
                a.add(Arguments.of(n, f));
            }
        }
        return a.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void taggedPagesLandAtTheirPhysicalAddresses(String name, ExportFormat format) throws Exception {
        Path out = tmp.resolve(name + "." + format.label());
        ExportResult result;
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name))) {
            result = MemoryExport.export(image, format, out, false);
            assertThat(image.problems()).isEmpty();
        }
        long expectedPages = Corpus.expected(name).get("pfns").asLong() + Corpus.expected(name).get("zero_pfns").asLong();
        assertThat(result.pages()).isEqualTo(expectedPages);
        assertThat(result.bytes()).isEqualTo(Files.size(out));

        List<DumpReader.Range> ranges = DumpReader.ranges(out, format);
        if (format != ExportFormat.RAW) {
            assertThat(ranges).hasSize((int) result.runs());
        } else {
            assertThat(Files.size(out)).isEqualTo((result.pfnMax() + 1) * 4096);
        }
        List<Corpus.Tag> tags = Corpus.tags(name);
        assertThat(tags).hasSize(16);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
            for (Corpus.Tag t : tags) {
                long off = DumpReader.fileOffset(ranges, t.pfn() * 4096).orElseThrow(
                        () -> new AssertionError("PFN " + t.pfn() + " not in the dump"));
                ByteBuffer page = DumpReader.read(ch, off, 4096);
                byte[] tag = t.tag().getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 128; i++) {
                    byte[] chunk = new byte[tag.length];
                    page.get(i * 32, chunk);
                    assertThat(new String(chunk, StandardCharsets.US_ASCII)).as("tag %d copy %d", t.index(), i)
                            .isEqualTo(t.tag());
                }
            }
        }
        assertThat(DumpReader.contains(out, Corpus.secret(name))).as("secret line in memory").isTrue();
        if (format == ExportFormat.ELF) {
            checkWithReadelf(out, result.runs());
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void neverOverwritesWithoutForce(String name, ExportFormat format) throws IOException {
        Path out = Files.writeString(tmp.resolve("existing"), "keep me");
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name))) {
            assertThatThrownBy(() -> MemoryExport.export(image, format, out, false))
                    .isInstanceOf(FileAlreadyExistsException.class);
        }
        assertThat(Files.readString(out)).isEqualTo("keep me");
    }

    /** binutils' readelf must accept the file as an ELF64 core with one LOAD segment per run. */
    private static void checkWithReadelf(Path elf, long runs) throws Exception {
        Process p = new ProcessBuilder("readelf", "-h", "-l", "-W", elf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ELF64").contains("CORE (Core file)").contains("Advanced Micro Devices X86-64")
                .doesNotContain("Warning").doesNotContain("Error");
        long loads = out.lines().filter(l -> l.trim().startsWith("LOAD")).count();
        assertThat(loads).isEqualTo(runs);
    }
}
