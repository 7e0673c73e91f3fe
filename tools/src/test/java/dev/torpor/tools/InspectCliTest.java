package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.SyntheticImage;
import dev.torpor.swap.format.SwapSignature;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code torpor inspect} on real kernel images and on the other kinds of sources, through the CLI. */
class InspectCliTest {

    @TempDir
    Path tmp;

    static List<String> corpus() {
        return Corpus.NAMES;
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void jsonEqualsExpectedFieldByField(String name) throws IOException {
        Cli.Result r = Cli.run("inspect", "--json", Corpus.swap(name).toString());
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode ex = Corpus.expected(name);
        JsonNode img = j.get("image");
        assertThat(j.get("source").asText()).isEqualTo(Corpus.swap(name).toString());
        assertThat(j.get("verdict").asText()).isEqualTo("valid");
        assertThat(j.get("problems")).isEmpty();
        assertThat(j.at("/swap/signature").asText()).isEqualTo("SWAPSPACE2");
        assertThat(j.at("/swap/version").asInt()).isEqualTo(1);
        assertThat(j.at("/swap/lastPage").asLong()).isEqualTo(384L * 1024 * 1024 / 4096 - 1);
        assertThat(j.at("/swap/badPages").asLong()).isZero();
        assertThat(j.at("/swap/uuid").asText()).matches("[0-9a-f-]{36}");
        assertThat(j.at("/swap/label").isTextual()).isTrue();

        assertThat(img.get("kind").asText()).isEqualTo("kernel");
        assertThat(img.get("signature").asText()).isEqualTo(ex.get("sig").asText());
        assertThat(img.get("originalSignature").asText()).isEqualTo(ex.get("orig_sig").asText());
        assertThat(img.get("headerLayout").asText()).isEqualTo("5.17+");
        assertThat(img.get("firstMapPage").asLong()).isEqualTo(ex.get("image").asLong());
        assertThat(img.at("/flags/value").asLong()).isEqualTo(ex.get("flags").asLong());
        assertThat(img.at("/flags/names").toString()).isEqualTo(ex.get("flags").asLong() == 4 ? "[\"CRC32\"]"
                : "[\"NOCOMPRESS\"]");
        assertThat(img.get("compressor").asText()).isEqualTo(ex.has("compressor") ? ex.get("compressor").asText()
                : "none");
        assertThat(img.at("/crc32/stored").asLong()).isEqualTo(ex.get("crc32").asLong());
        assertThat(img.at("/crc32/computed").asLong()).isEqualTo(ex.get("crc32_computed").asLong());
        assertThat(img.at("/crc32/ok")).isEqualTo(ex.get("crc_ok"));
        assertThat(img.get("hwSig").asLong()).isEqualTo(ex.get("hw_sig").asLong());
        assertThat(img.get("mapPages").asLong()).isEqualTo(ex.get("map_pages").asLong());
        assertThat(img.get("storedPages").asLong()).isEqualTo(ex.get("data_pages_on_swap").asLong());
        assertThat(img.get("compressedUnits").asLong()).isEqualTo(ex.has("lzo_units") ? ex.get("lzo_units").asLong() : 0);
        assertThat(img.at("/target/pageSize").asInt()).isEqualTo(4096);
        assertThat(img.at("/target/wordSize").asInt()).isEqualTo(8);
        assertThat(img.at("/target/byteOrder").asText()).isEqualTo("little");
        assertThat(img.at("/target/arch").asText()).isEqualTo("x86_64");
        assertThat(img.at("/target/decidedBy")).hasSize(7);

        JsonNode h = img.get("header");
        JsonNode ei = ex.get("info");
        assertThat(h.get("versionCode").asLong()).isEqualTo(ei.get("version_code").asLong());
        assertThat(h.get("numPhysPages").asLong()).isEqualTo(ei.get("num_physpages").asLong());
        assertThat(h.get("cpus").asLong()).isEqualTo(ei.get("cpus").asLong());
        assertThat(h.get("imagePages").asLong()).isEqualTo(ei.get("image_pages").asLong());
        assertThat(h.get("pages").asLong()).isEqualTo(ei.get("pages").asLong());
        assertThat(h.get("size").asLong()).isEqualTo(ei.get("size").asLong());
        assertThat(h.get("uts").isNull()).isTrue();
        JsonNode ea = ei.get("arch_header");
        assertThat(h.at("/archRecord/jumpAddress").bigIntegerValue()).isEqualTo(ea.get("jump_address").bigIntegerValue());
        assertThat(h.at("/archRecord/jumpAddressPhys").asLong()).isEqualTo(ea.get("jump_address_phys").asLong());
        assertThat(h.at("/archRecord/cr3").asLong()).isEqualTo(ea.get("cr3").asLong());
        assertThat(h.at("/archRecord/magic").asLong()).isEqualTo(ea.get("magic").asLong());
        assertThat(h.at("/archRecord/e820Checksum").asLong()).isEqualTo(ea.get("e820_checksum").asLong());

        assertThat(img.get("metaPages").asLong()).isEqualTo(ex.get("meta_pages").asLong());
        assertThat(img.get("dataPfns").asLong()).isEqualTo(ex.get("pfns").asLong());
        assertThat(img.get("zeroPfns").asLong()).isEqualTo(ex.get("zero_pfns").asLong());
        assertThat(img.get("pfnMin").asLong()).isEqualTo(ex.get("pfn_min").asLong());
        assertThat(img.get("pfnMax").asLong()).isEqualTo(ex.get("pfn_max").asLong());

        // which kernel wrote it: VMCOREINFO's text as found independently (testdata/corpus/NAME.vmcoreinfo.txt)
        List<String> note = Files.readAllLines(Corpus.dir().resolve(name + ".vmcoreinfo.txt"));
        JsonNode k = img.get("kernel");
        assertThat(note).contains("OSRELEASE=" + k.get("release").asText(), "BUILD-ID=" + k.get("buildId").asText(),
                "PAGESIZE=" + k.get("pageSize").asInt(), "NUMBER(phys_base)=" + k.get("physBase").asLong(),
                "KERNELOFFSET=" + Long.toHexString(k.get("kernelOffset").asLong()));
        assertThat(k.get("releaseFrom").asText()).isEqualTo("vmcoreinfo");
        assertThat(k.get("physBaseFrom").asText()).isEqualTo("vmcoreinfo");
        assertThat(k.at("/vmcoreinfo/entries").asInt()).isEqualTo(note.size());
        assertThat(k.at("/restoreRecord/physBase").asLong()).isEqualTo(k.get("physBase").asLong());
        assertThat(k.at("/restoreRecord/agrees").asBoolean()).isTrue();
    }

    @Test
    void mapDrawsTheMemoryAndRefusesToOverwriteOrToSkipTheStream() throws IOException {
        Path svg = tmp.resolve("memory.svg");
        Cli.Result r = Cli.run("inspect", "--map", svg.toString(), Corpus.swap("k612-lzo").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("map: " + svg).containsPattern("\\d+ PFNs per cell");
        assertThat(Files.readString(svg)).startsWith("<svg").contains("data, compressed well").endsWith("</svg>\n");
        Cli.Result again = Cli.run("inspect", "--map", svg.toString(), Corpus.swap("k612-lzo").toString());
        assertThat(again.exit()).isEqualTo(73);
        assertThat(again.err()).contains("give --force");
        assertThat(Cli.run("inspect", "--map", svg.toString(), "--force", Corpus.swap("k61-nocompress").toString())
                .exit()).isZero();
        assertThat(Files.readString(svg)).contains("data (uncompressed image)");
        Cli.Result quick = Cli.run("inspect", "--quick", "--map", svg.toString(), Corpus.swap("k612-lzo").toString());
        assertThat(quick.exit()).isEqualTo(64);
        assertThat(quick.err()).contains("--map reads every page");
    }

    @Test
    void theTextNamesTheKernelAndShowsTheRecordsAddressesInHex() throws IOException {
        Cli.Result r = Cli.run("inspect", Corpus.swap("k61-nocompress").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("written by:    Linux 6.1.0-56-amd64, build ID "
                        + "eb4fbcd037e7253717950bf2b93bd5566f47c56f, 4096-byte pages (VMCOREINFO at PFN 0x18e2)")
                .contains("KASLR offset 0x2c800000, phys_base -0x24000000")
                .contains("restore record: phys_base -0x24000000, agrees with VMCOREINFO; restore_registers linked "
                        + "at 0xffffffff819d5000")
                .contains("jumpAddress 0xffffffffae1d5000, jumpAddressPhys 0xa1d5000");
        Cli.Result quick = Cli.run("inspect", "--quick", Corpus.swap("k61-nocompress").toString());
        assertThat(quick.out()).contains("written by:    not known without reading the stream (no --quick)")
                .contains("restore record: phys_base -0x24000000, nothing to compare with");
    }

    @Test
    void quickReadsHeadersAndMapOnly() throws IOException {
        Cli.Result r = Cli.run("inspect", "--json", "--quick", Corpus.swap("k61-lzo").toString());
        assertThat(r.exit()).isZero();
        JsonNode img = new ObjectMapper().readTree(r.out()).get("image");
        assertThat(img.at("/crc32/computed").isNull()).isTrue();
        assertThat(img.at("/crc32/stored").asLong()).isEqualTo(3621168);
        assertThat(img.get("mapPages").asLong()).isEqualTo(11);
        assertThat(img.get("dataPfns").isNull()).isTrue();
    }

    @Test
    void readsTheGzipCompressedSampleOfTheReadme() {
        Cli.Result r = Cli.run("inspect", Corpus.dir().resolve("k61-lzo.swap.gz").toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("verdict:       valid").contains("CRC32:         computed 0x00374130, ok")
                .contains("x86_64, 4096-byte pages, 8-byte words, little-endian");
        assertThat(r.err()).contains("gzip-compressed");
    }

    @Test
    void plainSwapAreaHasNoImage() throws Exception {
        Path area = mkswap(tmp.resolve("plain.swap"), 8);
        Cli.Result r = Cli.run("inspect", "--json", area.toString());
        assertThat(r.exit()).isEqualTo(1);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("verdict").asText()).isEqualTo("no-image");
        assertThat(j.at("/image/kind").asText()).isEqualTo("none");
        assertThat(j.at("/swap/signature").asText()).isEqualTo("SWAPSPACE2");
        assertThat(j.at("/swap/lastPage").asLong()).isEqualTo(8L * 1024 * 1024 / 4096 - 1);
        assertThat(j.at("/swap/label").asText()).isEqualTo("torpor-test");
    }

    @Test
    void anythingElseHasNoImage() throws IOException {
        Path zeros = Files.write(tmp.resolve("zeros"), new byte[65536 * 2]);
        Cli.Result r = Cli.run("inspect", zeros.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("no swap or hibernation signature").containsPattern("at byte \\d+");
        Path tiny = Files.writeString(tmp.resolve("tiny"), "hello");
        assertThat(Cli.run("inspect", tiny.toString()).exit()).isEqualTo(1);
    }

    enum Foreign { ULSUSPEND, S2SUSPEND, LINHIB0001, TUXONICE }

    @ParameterizedTest
    @EnumSource(Foreign.class)
    void foreignImagesAreNamed(Foreign kind) throws Exception {
        Path area = mkswap(tmp.resolve("foreign.swap"), 8);
        SwapSignature sig = SwapSignature.valueOf(kind.name());
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(sig.bytes()), kind == Foreign.TUXONICE ? 0 : 4086);
        }
        Cli.Result r = Cli.run("inspect", "--json", area.toString());
        assertThat(r.exit()).isEqualTo(3);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("verdict").asText()).isEqualTo("foreign-image");
        assertThat(j.at("/image/kind").asText()).isEqualTo("foreign");
        assertThat(j.at("/image/signature").asText()).isEqualTo(kind == Foreign.TUXONICE ? "TuxOnIce" : kind.name());
        assertThat(Cli.run("inspect", area.toString()).out()).contains("foreign");
        assertThat(Cli.run("extract", area.toString(), "-o", tmp.resolve("x").toString()).exit()).isEqualTo(3);
    }

    @Test
    void swapFileImagesNeedTheResumeOffset() throws IOException {
        SyntheticImage s = new SyntheticImage();
        s.base = 777;
        Path device = tmp.resolve("device.img");
        s.write(device);
        Cli.Result with = Cli.run("inspect", "--resume-offset", "777", device.toString());
        assertThat(with.exit()).as(with.all()).isZero();
        Cli.Result without = Cli.run("inspect", device.toString());
        assertThat(without.exit()).isEqualTo(1);
    }

    @Test
    void overridesAreReportedAndUsed() throws IOException {
        Cli.Result r = Cli.run("inspect", "--json", "--page-size", "4096", "--word-size", "8", "--byte-order",
                "little", "--arch", "x86_64", Corpus.swap("k612-lzo").toString());
        assertThat(r.exit()).isZero();
        JsonNode t = new ObjectMapper().readTree(r.out()).at("/image/target/decidedBy");
        assertThat(t.get("pageSize").asText()).isEqualTo("given by option");
        assertThat(t.get("wordSize").asText()).isEqualTo("given by option");
        assertThat(t.get("byteOrder").asText()).isEqualTo("given by option");
        assertThat(t.get("arch").asText()).isEqualTo("given by option");
        Cli.Result wrong = Cli.run("inspect", "--byte-order", "big", Corpus.swap("k612-lzo").toString());
        assertThat(wrong.exit()).isEqualTo(2);
    }

    @Test
    void usageAndIoErrorsHaveTheirExitCodes() throws IOException {
        assertThat(Cli.run("inspect").exit()).isEqualTo(64);
        assertThat(Cli.run("inspect", "--no-such-option", "x").exit()).isEqualTo(64);
        assertThat(Cli.run("inspect", "--word-size", "5", "x").exit()).isEqualTo(64);
        assertThat(Cli.run("inspect", "--byte-order", "middle", Corpus.swap("k61-lzo").toString()).exit())
                .isEqualTo(64);
        assertThat(Cli.run("frobnicate").exit()).isEqualTo(64);
        Cli.Result missing = Cli.run("inspect", tmp.resolve("missing").toString());
        assertThat(missing.exit()).isEqualTo(74);
        assertThat(missing.err()).contains("no such file").doesNotContain("Exception");
        assertThat(Cli.run("inspect", tmp.toString()).exit()).isEqualTo(74);
    }

    @Test
    void helpTeaches() {
        for (String cmd : new String[] {"inspect", "extract", "bench"}) {
            Cli.Result r = Cli.run(cmd, "--help");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("Usage: torpor " + cmd).contains("Example");
        }
        assertThat(Cli.run("--help").out()).contains("Exit codes");
    }

    @Tag("root")
    @Test
    void readsThroughARealBlockDevice() throws Exception {
        Path area = Corpus.swap("k61-lzo");
        String loop = run("losetup", "--find", "--show", "--read-only", area.toAbsolutePath().toString()).trim();
        try {
            Cli.Result r = Cli.run("inspect", "--json", loop);
            assertThat(r.exit()).as(r.all()).isZero();
            JsonNode img = new ObjectMapper().readTree(r.out()).get("image");
            assertThat(img.get("storedPages").asLong()).isEqualTo(5268);
            assertThat(img.at("/crc32/ok").asBoolean()).isTrue();
        } finally {
            run("losetup", "-d", loop);
        }
    }

    static Path mkswap(Path file, int mib) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), mib * 1024L * 1024 - 1);
        }
        run("mkswap", "-L", "torpor-test", file.toString());
        return file;
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
