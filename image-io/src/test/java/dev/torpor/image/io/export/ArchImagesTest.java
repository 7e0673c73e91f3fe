package dev.torpor.image.io.export;

import dev.torpor.image.io.read.GzipSources;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.KernelIdentity;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.image.io.read.VmcoreInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images that Debian's i386 (686) and arm64 kernels 6.1.0-57 wrote under QEMU (testdata/arch; each resumed by its
 * kernel with the guest's RAM marker intact): Torpor names the kernel from its VMCOREINFO note, whose text an
 * independent scan of the raw extraction found, and whose build ID is the one in the booted kernel binary; the ELF
 * export carries that note first and one load per run of pages, for the right machine, as readelf reads it.
 */
class ArchImagesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
            // name, arch, word size, note PFN, release, build ID from the package's kernel binary, KASLR, readelf
            "i386-61-lzo, i386, 4, 0x118e, 6.1.0-57-686, 5046c0977c15e9ffa5e4da98e95385ea9274694d, , Intel 80386",
            "arm64-61-lzo, arm64, 8, 0x426c2, 6.1.0-57-arm64, d34ebfe0b641cdfdc5460d84a5d1f9380050eb97, "
                    + "0x527780800000, AArch64"})
    void namesTheKernelAndExportsAnElfForItsMachine(String name, String arch, int wordSize, String pfn, String release,
                                                    String buildId, String kaslr, String machine) throws Exception {
        Map<String, String> text = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dir().resolve(name + ".vmcoreinfo.txt"))) {
            text.putIfAbsent(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        Path elf = tmp.resolve(name + ".elf");
        ExportResult r;
        try (HibernationImage image = HibernationImage.open(swap(name))) {
            Inspection in = image.inspect(false);
            assertThat(in.verdict()).as(in.problems().toString()).isEqualTo(Verdict.VALID);
            assertThat(in.detection().orElseThrow().target().arch()).isEqualTo(arch);
            assertThat(in.detection().orElseThrow().target().wordSize()).isEqualTo(wordSize);
            assertThat(in.crc32Ok()).contains(true);
            KernelIdentity k = in.kernel().orElseThrow();
            VmcoreInfo v = k.vmcoreinfo().orElseThrow();
            assertThat(v.pfn()).isEqualTo(Long.decode(pfn));
            assertThat(v.entries()).containsExactlyEntriesOf(text);
            assertThat(k.release()).contains(release);
            assertThat(k.buildId()).contains(buildId);
            assertThat(k.pageSize()).hasValue(4096);
            if (kaslr == null) {
                assertThat(k.kernelOffset()).isEmpty();
            } else {
                assertThat(k.kernelOffset()).hasValue(Long.decode(kaslr));
            }
            assertThat(k.physBase()).as("phys_base is x86_64's").isEmpty();
            r = MemoryExport.export(image, ExportFormat.ELF, elf, false);
        }

        Process p = new ProcessBuilder("readelf", "-h", "-l", "-W", elf.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("CORE (Core file)").contains("Machine:                           " + machine)
                .doesNotContain("Warning").doesNotContain("Error");
        List<String> segments = out.lines().map(String::trim)
                .filter(l -> l.startsWith("LOAD") || l.startsWith("NOTE")).toList();
        assertThat(segments.get(0)).startsWith("NOTE");
        List<String[]> all = segments.stream().filter(l -> l.startsWith("LOAD")).map(l -> l.split("\\s+")).toList();
        List<String[]> loads = all.stream().filter(f -> hex(f[2]) == 0).toList(); // RAM: p_vaddr 0, as on x86_64
        assertThat((long) loads.size()).as("one RAM load per run").isEqualTo(r.runs());
        assertThat(loads.stream().mapToLong(f -> Long.decode(f[4])).sum()).isEqualTo(r.pages() * 4096);
        List<String[]> image = all.stream().filter(f -> hex(f[2]) != 0).toList();
        if (arch.equals("arm64")) {
            // the kernel image again at its own addresses (virtual = physical + kimage_voffset), so that a debugger
            // can read swapper_pg_dir before it can walk any page table
            long voffset = Long.parseUnsignedLong(text.get("NUMBER(kimage_voffset)").substring(2), 16);
            long pgd = Long.parseUnsignedLong(text.get("SYMBOL(swapper_pg_dir)"), 16);
            assertThat(image).isNotEmpty().allSatisfy(f -> assertThat(hex(f[2])
                    - Long.decode(f[3])).isEqualTo(voffset));
            assertThat(image).anySatisfy(f -> {
                long v = hex(f[2]);
                assertThat(Long.compareUnsigned(pgd, v) >= 0 && Long.compareUnsigned(pgd, v + Long.decode(f[4])) < 0)
                        .isTrue();
            });
        } else {
            assertThat(image).as("i386 gets no kernel-image loads").isEmpty();
        }

        // the note, byte for byte, and the page that holds it where its load says
        try (FileChannel ch = FileChannel.open(elf)) {
            ByteBuffer hdr = DumpReader.read(ch, 64, 56).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer n = DumpReader.read(ch, hdr.getLong(8), (int) hdr.getLong(32)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] desc = new byte[n.getInt(4)];
            n.get(24, desc);
            assertThat(new String(desc, StandardCharsets.US_ASCII))
                    .isEqualTo(Files.readString(dir().resolve(name + ".vmcoreinfo.txt")));
            long notePhys = Long.decode(pfn) * 4096;
            String[] holder = loads.stream().filter(f -> Long.decode(f[3]) <= notePhys
                    && notePhys < Long.decode(f[3]) + Long.decode(f[4])).findFirst().orElseThrow();
            ByteBuffer page = DumpReader.read(ch, Long.decode(holder[1]) + notePhys - Long.decode(holder[3]), 4096);
            assertThat(new String(page.array(), 12, 10, StandardCharsets.US_ASCII)).isEqualTo("VMCOREINFO");
        }
    }

    private static long hex(String text) {
        return Long.parseUnsignedLong(text.substring(2), 16);
    }

    private static Path dir() {
        return Path.of(System.getProperty("torpor.testdata", "../testdata"), "arch");
    }

    private static synchronized Path swap(String name) {
        try {
            Path out = Path.of("target", "arch", name + ".swap");
            if (!Files.exists(out)) {
                Files.createDirectories(out.getParent());
                Path part = out.resolveSibling(name + ".tmp");
                GzipSources.inflateSparse(dir().resolve(name + ".swap.gz"), part);
                Files.move(part, out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
