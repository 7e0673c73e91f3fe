package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code torpor scan} on an MBR disk that util-linux's sfdisk partitions at run time (no root needed): a primary
 * swap area without an image, and a corpus image in a logical partition; then what scan names is what inspect and
 * extract take.
 */
class ScanCliTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    @Test
    void findsTheImageInALogicalPartitionAndInspectTakesItsName() throws Exception {
        Path disk = tmp.resolve("mbr.img");
        try (FileChannel ch = FileChannel.open(disk, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), 420 * MIB - 1);
        }
        Path script = Files.writeString(tmp.resolve("layout"), "label: dos\n"
                + "mbr.img1 : start=2048, size=16384, type=82\n"
                + "mbr.img2 : start=18432, size=819200, type=5\n"
                + "mbr.img5 : start=20480, size=786432, type=82\n");
        HostCommand.run("sh", "-c", "cd " + tmp + " && sfdisk -q mbr.img < " + script);
        Path swap1 = InspectCliTest.mkswap(tmp.resolve("p1"), 8);
        ScanToolsTest.copySparse(swap1, disk, 2048 * 512L);
        ScanToolsTest.copySparse(Corpus.swap("k61-nocompress"), disk, 20480 * 512L);

        Cli.Result text = Cli.run("scan", disk.toString());
        assertThat(text.exit()).as(text.all()).isZero();
        assertThat(text.out()).contains("table:   MBR").contains("p1: 8.0 MiB at byte 1048576")
                .contains("swap area: no hibernation image").contains("p5: 384.0 MiB at byte 10485760")
                .contains("swap area: kernel image, valid, " + Corpus.expected("k61-nocompress").at("/info/image_pages")
                        .asLong() + " pages, x86_64, 4096-byte pages, none")
                .contains("inspect: torpor inspect --volume p5 " + disk)
                .contains("found:   2 swap areas, 1 holding a hibernation image");

        JsonNode scan = new ObjectMapper().readTree(Cli.run("scan", "--json", "--full", disk.toString()).out());
        assertThat(scan.get("images").asInt()).isOne();
        JsonNode p5 = scan.at("/volumes/1");
        assertThat(p5.get("name").asText()).isEqualTo("p5");
        assertThat(p5.at("/findings/0/verdict").asText()).isEqualTo("valid");
        assertThat(p5.at("/findings/0/inspection/image/dataPfns").asLong()) // --full read every page
                .isEqualTo(Corpus.expected("k61-nocompress").get("pfns").asLong());
        JsonNode quick = new ObjectMapper().readTree(Cli.run("scan", "--json", disk.toString()).out());
        assertThat(quick.at("/volumes/1/findings/0/inspection/image/dataPfns").isNull()).isTrue();

        Cli.Result inspect = Cli.run("inspect", "--json", "--volume", "p5", disk.toString());
        assertThat(inspect.exit()).as(inspect.all()).isZero();
        assertThat(new ObjectMapper().readTree(inspect.out()).at("/image/kernel/release").asText())
                .isEqualTo(Files.readAllLines(Corpus.dir().resolve("k61-nocompress.vmcoreinfo.txt")).get(0)
                        .substring("OSRELEASE=".length()));

        Path fromDisk = tmp.resolve("from-disk.raw");
        Path fromArea = tmp.resolve("from-area.raw");
        assertThat(Cli.run("extract", "--volume", "p5", "-o", fromDisk.toString(), disk.toString()).exit()).isZero();
        assertThat(Cli.run("extract", "-o", fromArea.toString(), Corpus.swap("k61-nocompress").toString()).exit())
                .isZero();
        assertThat(Files.mismatch(fromDisk, fromArea)).isEqualTo(-1);
    }

    @Test
    void aDiskWithoutTableIsOneVolumeAndItsCommandNeedsNoVolume() throws Exception {
        Path area = Corpus.swap("k612-lzo");
        Cli.Result r = Cli.run("scan", "--json", area.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode scan = new ObjectMapper().readTree(r.out());
        assertThat(scan.get("table").isNull()).isTrue();
        assertThat(scan.at("/volumes/0/name").asText()).isEqualTo("disk");
        assertThat(scan.at("/volumes/0/findings/0/inspectArguments").toString())
                .isEqualTo("[\"inspect\",\"" + area + "\"]");
    }

    @Test
    void mistakesAreExplained() throws Exception {
        Cli.Result missing = Cli.run("scan", tmp.resolve("nope.img").toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(missing.err()).contains("nope.img: no such file or device");
        Cli.Result dir = Cli.run("scan", tmp.toString());
        assertThat(dir.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(dir.err()).contains("is a directory");
        Path area = Corpus.swap("k61-lzo");
        Cli.Result badVolume = Cli.run("inspect", "--volume", "p3", area.toString());
        assertThat(badVolume.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badVolume.err()).contains("no volume 'p3'").contains("it has disk").contains("torpor scan");
        Path empty = Files.write(tmp.resolve("zeros.img"), new byte[1 << 16]);
        Cli.Result none = Cli.run("scan", empty.toString());
        assertThat(none.exit()).isEqualTo(ExitCodes.NO_IMAGE);
        assertThat(none.out()).contains("holds: empty").contains("found:   0 swap areas");
        Cli.Result help = Cli.run("scan", "--help");
        assertThat(help.out()).contains("Usage: torpor scan").contains("Examples:").contains("Exit codes")
                .contains("--no-files").contains("resume_offset");
    }
}
