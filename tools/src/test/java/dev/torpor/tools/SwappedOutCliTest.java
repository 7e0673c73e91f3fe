package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hibernated system's swapped-out pages through the CLI, on the real 6.1 area whose guest swapped before it
 * hibernated (1,349 such pages, 1..1367: see SlotsOutsideTest): counted by inspect, saved by extract, guarded by
 * read-stream, and never written by write-image, whose --replace uses only the old image's pages.
 */
class SwappedOutCliTest {
    @TempDir
    Path tmp;

    @Test
    void inspectCountsThemAndSaysWhatTheyMean() throws Exception {
        Cli.Result text = Cli.run("inspect", Corpus.swap("k61-nocompress").toString());
        assertThat(text.out()).contains("outside image: 1349 pages hold data (pages 1..1367): the hibernated system's "
                + "swapped-out memory, which it reads back after the resume. The image resumes correctly only from "
                + "this area");
        JsonNode j = json("inspect", "--json", Corpus.swap("k61-nocompress").toString());
        assertThat(j.at("/image/slotsOutsideImage").asLong()).isEqualTo(1349);
        assertThat(j.at("/image/slotsOutsideImageRange/first").asLong()).isEqualTo(1);
        assertThat(j.at("/image/slotsOutsideImageRange/last").asLong()).isEqualTo(1367);
        assertThat(json("inspect", "--json", Corpus.swap("k612-lzo").toString()).at("/image/slotsOutsideImage")
                .asLong()).isZero();
        assertThat(json("inspect", "--json", "--quick", Corpus.swap("k61-lzo").toString())
                .at("/image/slotsOutsideImage").isNull()).as("not read with --quick").isTrue();
        assertThat(Cli.run("inspect", Corpus.swap("k612-lzo").toString()).out())
                .contains("outside image: no page holds data");
    }

    @Test
    void extractSavesThemWithTheirPageNumbers() throws Exception {
        Path slots = tmp.resolve("swapped.bin");
        Cli.Result r = Cli.run("extract", Corpus.swap("k61-nocompress").toString(), "-o", tmp.resolve("m.raw")
                .toString(), "--swapped-out", slots.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("wrote 1349 swapped-out pages (pages 1..1367)");
        Map<Long, ByteBuffer> pages = records(slots);
        assertThat(pages).hasSize(1349).containsKeys(1L, 1367L);
        byte[] area = Files.readAllBytes(Corpus.swap("k61-nocompress"));
        assertThat(pages.get(1367L)).isEqualTo(ByteBuffer.wrap(area, 1367 * 4096, 4096));
    }

    @Test
    void readStreamRefusesToConvertThemAwayUnlessAllowed() throws Exception {
        Path stream = tmp.resolve("s");
        Cli.Result r = Cli.run("read-stream", Corpus.swap("k61-lzo").toString(), "-o", stream.toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.DATA_ERROR);
        assertThat(r.err()).contains("holds 1368 pages outside its image that hold data (pages 1..1386)",
                "Stored in another area, the image would resume without them");
        assertThat(stream).doesNotExist();
        Cli.Result ok = Cli.run("read-stream", Corpus.swap("k61-lzo").toString(), "-o", stream.toString(),
                "--allow-swapped-out");
        assertThat(ok.exit()).as(ok.all()).isZero();
        assertThat(ok.out()).contains("holds 1368 swapped-out pages: store the stream only with write-image");
        assertThat(Cli.run("read-stream", Corpus.swap("k612-lzo").toString(), "-o", tmp.resolve("t").toString())
                .out()).contains("holds nothing outside its image: the stream can be stored in any swap area");
    }

    @Test
    void replaceWritesOnlyIntoTheOldImagesPagesAndKeepsTheSwappedOutOnes() throws Exception {
        Path area = Files.copy(Corpus.swap("k61-nocompress"), tmp.resolve("area.swap"));
        Path stream = tmp.resolve("s");
        Path before = tmp.resolve("before.bin");
        assertThat(Cli.run("read-stream", area.toString(), "-o", stream.toString(), "--allow-swapped-out").exit())
                .isZero();
        assertThat(Cli.run("extract", area.toString(), "-o", tmp.resolve("m1").toString(), "--swapped-out",
                before.toString()).exit()).isZero();

        Cli.Result r = Cli.run("write-image", stream.toString(), "--to", area.toString(), "--replace", "--quiet");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).containsPattern("replaced the image in " + java.util.regex.Pattern.quote(area.toString())
                + ": the new one takes [0-9]+ of the 19833 pages the old one occupied");
        assertThat(Cli.run("inspect", area.toString()).exit()).isZero();

        Path after = tmp.resolve("after.bin");
        assertThat(Cli.run("extract", area.toString(), "-o", tmp.resolve("m2").toString(), "--swapped-out",
                after.toString()).exit()).isZero();
        Map<Long, ByteBuffer> was = records(before);
        Map<Long, ByteBuffer> now = records(after);
        assertThat(was).hasSize(1349);
        for (Map.Entry<Long, ByteBuffer> e : was.entrySet()) {
            assertThat(now.get(e.getKey())).as("swapped-out page %d", e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void aReplacementThatDoesNotFitChangesNothing() throws Exception {
        Path stream = tmp.resolve("s");
        assertThat(Cli.run("read-stream", Corpus.swap("k61-nocompress").toString(), "-o", stream.toString(),
                "--allow-swapped-out").exit()).isZero();
        Path area = Files.copy(Corpus.swap("k61-lzo"), tmp.resolve("area.swap"));
        byte[] was = Files.readAllBytes(area);
        Cli.Result r = Cli.run("write-image", stream.toString(), "--to", area.toString(), "--replace", "--compress",
                "none", "--quiet");
        assertThat(r.exit()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(r.err()).contains("the new image does not fit in the 5279 pages of the image it replaces");
        assertThat(Files.mismatch(area, Files.write(tmp.resolve("was"), was))).as("untouched").isEqualTo(-1L);
        assertThat(Cli.run("write-image", stream.toString(), "--to", Corpus.swap("k612-lzo").toString(), "--replace",
                "--overwrite-used-pages").exit()).isEqualTo(ExitCodes.USAGE);
        Path plain = InspectCliTest.mkswap(tmp.resolve("plain.swap"), 16);
        Cli.Result none = Cli.run("write-image", stream.toString(), "--to", plain.toString(), "--replace");
        assertThat(none.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("holds no image to replace");
    }

    @Test
    void anAreaWithPagesOfDataIsRefusedUnlessTheOverwriteFlagIsGiven() throws Exception {
        Path stream = tmp.resolve("s");
        assertThat(Cli.run("read-stream", Corpus.swap("k612-lzo").toString(), "-o", stream.toString()).exit())
                .isZero();
        // the k61-lzo area after its image is invalidated: its swapped-out pages stay, and among them (pages 1..1386,
        // 1368 of them hold data) are pages of zeros that may be swapped-out pages of zeros
        Path area = Files.copy(Corpus.swap("k61-lzo"), tmp.resolve("area.swap"));
        assertThat(Cli.run("invalidate", area.toString()).exit()).isZero();
        byte[] was = Files.readAllBytes(area);
        Cli.Result r = Cli.run("write-image", stream.toString(), "--to", area.toString(), "--quiet");
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.DATA_ERROR);
        assertThat(r.err()).contains("refused, nothing written", "area page 1 (byte 4096) holds data",
                "pages of zeros may be in use as well", "--replace", "--overwrite-used-pages");
        assertThat(Files.mismatch(area, Files.write(tmp.resolve("was"), was))).as("untouched").isEqualTo(-1L);

        Cli.Result forced = Cli.run("write-image", stream.toString(), "--to", area.toString(), "--quiet",
                "--overwrite-used-pages");
        assertThat(forced.exit()).as(forced.all()).isZero();
        assertThat(forced.err()).contains("warning: --overwrite-used-pages", "its swapped-out memory is lost");
        assertThat(Cli.run("inspect", area.toString()).exit()).isZero();
    }

    @Test
    void anEmptyAreaIsTaken() throws Exception {
        Path stream = tmp.resolve("s");
        assertThat(Cli.run("read-stream", Corpus.swap("k612-lzo").toString(), "-o", stream.toString()).exit())
                .isZero();
        Path plain = InspectCliTest.mkswap(tmp.resolve("plain.swap"), 64);
        Cli.Result r = Cli.run("write-image", stream.toString(), "--to", plain.toString(), "--quiet");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(Cli.run("inspect", plain.toString()).exit()).isZero();
    }

    private static Map<Long, ByteBuffer> records(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.remaining() % (8 + 4096)).isZero();
        Map<Long, ByteBuffer> out = new HashMap<>();
        while (b.hasRemaining()) {
            long page = b.getLong();
            out.put(page, b.slice(b.position(), 4096));
            b.position(b.position() + 4096);
        }
        return out;
    }

    private static JsonNode json(String... args) throws Exception {
        Cli.Result r = Cli.run(args);
        return new ObjectMapper().readTree(r.out());
    }
}
