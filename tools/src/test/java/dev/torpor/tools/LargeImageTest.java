package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.image.io.read.SyntheticImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generated 4 GiB image (2^20 data pages, LZO) is inspected and extracted in the 64 MiB-heap JVM of the
 * {@code bounded-heap} execution: nothing may hold the image, its map or its PFN list.
 */
@Tag("bounded-heap")
class LargeImageTest {

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    Path tmp;

    @Test
    void fourGibImageInspectsAndExtractsInA64MibHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(64L * 1024 * 1024);
        SyntheticImage s = new SyntheticImage();
        s.pfnCount = 1L << 20;
        s.firstPfn = 256;
        s.zeroIndex = i -> i % 4096 == 7;
        Path area = tmp.resolve("large.swap");
        SyntheticImage.Facts f = s.write(area);
        assertThat(f.imagePages() * 4096L + f.zeroPages() * 4096L).isEqualTo(4L << 30);

        Cli.Result inspect = Cli.run("inspect", "--json", area.toString());
        assertThat(inspect.exit()).as(inspect.all()).isZero();
        JsonNode img = new ObjectMapper().readTree(inspect.out()).get("image");
        assertThat(img.get("dataPfns").asLong()).isEqualTo(f.imagePages());
        assertThat(img.get("zeroPfns").asLong()).isEqualTo(f.zeroPages());
        assertThat(img.at("/crc32/ok").asBoolean()).isTrue();

        Path raw = tmp.resolve("memory.raw");
        Cli.Result extract = Cli.run("extract", area.toString(), "-o", raw.toString());
        assertThat(extract.exit()).as(extract.all()).isZero();
        long lastPfn = s.firstPfn + s.pfnCount - 1;
        assertThat(Files.size(raw)).isEqualTo((lastPfn + 1) * 4096);
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
            for (long i : new long[] {0, 1, 6, 7, 4103, 500_000, s.pfnCount - 1}) {
                long pfn = s.firstPfn + i;
                ByteBuffer actual = ByteBuffer.allocate(4096);
                ch.read(actual, pfn * 4096);
                ByteBuffer expected = ByteBuffer.allocate(4096);
                if (i % 4096 != 7) {
                    SyntheticImage.content(pfn, expected);
                }
                assertThat(actual.clear()).as("PFN %d", pfn).isEqualTo(expected.clear());
            }
        }
        Files.delete(raw);
    }
}
