package dev.torpor.tools;

import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code torpor extract} through the CLI: counts, formats, refusing to overwrite, damaged images. */
class ExtractCliTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"raw", "lime", "elf"})
    void extractsTheK612ImageAndPrintsCounts(String format) throws IOException {
        Path out = tmp.resolve("mem." + format);
        Cli.Result r = Cli.run("extract", Corpus.swap("k612-lzo").toString(), "-o", out.toString(), "--format", format);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("extracted 17367 pages (2808 zero pages)").contains("PFN 1..65500")
                .contains("(" + format + ", " + Files.size(out) + " bytes)");
        Corpus.Tag t = Corpus.tags("k612-lzo").get(5);
        if (format.equals("raw")) {
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(t.tag().length());
                ch.read(b, t.pfn() * 4096);
                assertThat(new String(b.array(), StandardCharsets.US_ASCII)).isEqualTo(t.tag());
            }
        }
    }

    @Test
    void neverOverwritesWithoutForce() throws IOException {
        Path out = Files.writeString(tmp.resolve("precious"), "do not lose me");
        Cli.Result refused = Cli.run("extract", Corpus.swap("k61-lzo").toString(), "-o", out.toString());
        assertThat(refused.exit()).isEqualTo(73);
        assertThat(refused.err()).contains("exists; give --force");
        assertThat(Files.readString(out)).isEqualTo("do not lose me");
        Cli.Result forced = Cli.run("extract", Corpus.swap("k61-lzo").toString(), "-o", out.toString(), "--force");
        assertThat(forced.exit()).isZero();
        assertThat(Files.size(out)).isEqualTo(65501L * 4096);
    }

    @Test
    void aDamagedImageKeepsWhatWasExtractedAndSaysWhere() throws Exception {
        Path area = tmp.resolve("damaged.swap");
        Process cp = new ProcessBuilder("cp", "--sparse=always", Corpus.swap("k61-lzo").toString(), area.toString())
                .start();
        assertThat(cp.waitFor()).isZero();
        // flip a bit in the compressed bytes of the 100th unit
        DamagedInputTest.Layout l = DamagedInputTest.layout(area, true);
        long at = l.units().get(100)[0] * 4096 + 200;
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x10));
            ch.write(b.flip(), at);
        }
        Path out = tmp.resolve("partial.raw");
        Cli.Result r = Cli.run("extract", area.toString(), "-o", out.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).containsPattern("at byte \\d+ \\(0x[0-9a-f]+\\)").contains("holds what was extracted");
        assertThat(out).exists();

        // an ELF core of the same image: its headers, written first, name only the runs that were written
        Path elf = tmp.resolve("partial.elf");
        Cli.Result e = Cli.run("extract", area.toString(), "-o", elf.toString(), "--format", "elf");
        assertThat(e.exit()).isEqualTo(2);
        Process p = new ProcessBuilder("readelf", "-h", "-l", "-W", elf.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(text).isZero();
        assertThat(text).contains("CORE (Core file)").doesNotContain("Warning").doesNotContain("Error");
        long ramLoads = text.lines().map(String::trim).filter(x -> x.startsWith("LOAD"))
                .filter(x -> x.split("\\s+")[2].equals("0x0000000000000000")).count();
        long lastEnd = text.lines().map(String::trim).filter(x -> x.startsWith("LOAD"))
                .mapToLong(x -> Long.decode(x.split("\\s+")[1]) + Long.decode(x.split("\\s+")[4])).max().orElse(0);
        assertThat(ramLoads).isPositive();
        assertThat(lastEnd).as("every segment lies in the file").isLessThanOrEqualTo(Files.size(elf));
    }

    @Test
    void noImageNoOutput() throws Exception {
        Path area = InspectCliTest.mkswap(tmp.resolve("plain.swap"), 4);
        Path out = tmp.resolve("never.raw");
        assertThat(Cli.run("extract", area.toString(), "-o", out.toString()).exit()).isEqualTo(1);
        assertThat(out).doesNotExist();
        assertThat(Cli.run("extract", area.toString(), "-o", out.toString(), "--format", "zip").exit()).isEqualTo(64);
        assertThat(Cli.run("extract", area.toString()).exit()).isEqualTo(64);
    }
}
