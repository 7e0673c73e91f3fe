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
            checkWithReadelf(out, result.runs(), name);
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

    /**
     * binutils' readelf must accept the file as a kdump-style ELF64 core: program headers right after the ELF header,
     * the VMCOREINFO note first (the image's own, byte for byte), one RAM segment per run, and the kernel image again
     * at its text-mapping addresses (virtual = physical - phys_base + 0xffffffff80000000), covering swapper_pg_dir.
     */
    private static void checkWithReadelf(Path elf, long runs, String name) throws Exception {
        Process p = new ProcessBuilder("readelf", "-h", "-l", "-n", "-W", elf.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("ELF64").contains("CORE (Core file)").contains("Advanced Micro Devices X86-64")
                .contains("Start of program headers:          64 (bytes into file)")
                .contains("VMCOREINFO").doesNotContain("Warning").doesNotContain("Error");
        List<String> segments = out.lines().map(String::trim)
                .filter(l -> l.startsWith("LOAD") || l.startsWith("NOTE")).toList();
        assertThat(segments.get(0)).startsWith("NOTE");
        List<String[]> loads = segments.stream().filter(l -> l.startsWith("LOAD")).map(l -> l.split("\\s+")).toList();
        assertThat(loads).allSatisfy(f -> assertThat(f[f.length - 1]).as("p_align").isEqualTo("0"));
        assertThat(loads.stream().filter(f -> hex(f[2]) == 0).count()).isEqualTo(runs);

        java.util.Map<String, String> note = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Corpus.dir().resolve(name + ".vmcoreinfo.txt"))) {
            note.putIfAbsent(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        long physBase = Long.parseLong(note.get("NUMBER(phys_base)"));
        long pgd = Long.parseUnsignedLong(note.get("SYMBOL(swapper_pg_dir)"), 16);
        List<String[]> text = loads.stream().filter(f -> hex(f[2]) != 0).toList();
        assertThat(text).isNotEmpty().allSatisfy(f -> assertThat(hex(f[2]) - hex(f[3]))
                .isEqualTo(0xffffffff80000000L - physBase));
        assertThat(text).anySatisfy(f -> assertThat(Long.compareUnsigned(pgd, hex(f[2])) >= 0
                && Long.compareUnsigned(pgd, hex(f[2]) + hex(f[4])) < 0).isTrue());
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            ByteBuffer hdr = DumpReader.read(ch, 64, 56).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ByteBuffer n = DumpReader.read(ch, hdr.getLong(8), (int) hdr.getLong(32)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            byte[] desc = new byte[n.getInt(4)];
            n.get(24, desc);
            assertThat(new String(desc, StandardCharsets.US_ASCII))
                    .isEqualTo(Files.readString(Corpus.dir().resolve(name + ".vmcoreinfo.txt")));
        }
    }

    private static long hex(String text) {
        return Long.parseUnsignedLong(text.substring(2), 16);
    }
}
