package dev.torpor.site;

import dev.torpor.image.io.Compressor;
import dev.torpor.image.io.HibernationImage;
import dev.torpor.image.io.Inspection;
import dev.torpor.image.io.PhysicalPage;
import dev.torpor.image.io.PhysicalPages;
import dev.torpor.image.io.SnapshotStream;
import dev.torpor.image.io.Verdict;
import dev.torpor.image.io.lifecycle.Hibernator;
import dev.torpor.image.io.write.FreeSlots;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.StreamFile;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.TargetProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API page's code, compiled and run here against a real kernel image (k61-lzo): SiteBuilder copies each block
 * between {@code // snippet:NAME} and {@code // end} into the page where it says {@code {{snippet:NAME}}}, so the
 * page's examples cannot rot.
 */
class ApiSnippetsTest {
    @TempDir
    static Path tmp;
    static Path swapImage;

    @BeforeAll
    static void aRealImage() throws Exception {
        swapImage = tmp.resolve("k61-lzo.swap");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                Path.of(System.getProperty("torpor.testdata", "../testdata"), "corpus", "k61-lzo.swap.gz")))) {
            Files.copy(in, swapImage);
        }
    }

    @Test
    void readingAnImage() throws Exception {
        Path swap = swapImage;
        long[] counted = new long[2];
        // snippet:read
        try (HibernationImage image = HibernationImage.open(swap)) {
            Inspection report = image.inspect(false);        // every unit, the CRC32 and the PFN metadata
            report.problems().forEach(System.out::println);   // each with its byte offset
            try (PhysicalPages pages = image.pages()) {
                for (PhysicalPage p = pages.next(); p != null; p = pages.next()) {
                    // p.pfn(), p.zero(), p.data(): one page at a time, in bounded memory
                    counted[p.zero() ? 1 : 0]++;
                }
            }
            System.out.println(report.verdict());             // VALID, NO_IMAGE, FOREIGN_IMAGE, ENCRYPTED, CORRUPT
        }
        // end
        try (HibernationImage image = HibernationImage.open(swap)) {
            assertThat(image.inspect(false).verdict()).isEqualTo(Verdict.VALID);
        }
        assertThat(counted[0]).as("pages with data").isPositive();
        assertThat(counted[0] + counted[1]).isGreaterThan(10_000);
    }

    @Test
    void writingAnImageIntoASwapArea() throws Exception {
        Path streamFile = tmp.resolve("k61.stream");
        try (HibernationImage image = HibernationImage.open(swapImage);
             FileChannel out = FileChannel.open(streamFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            SnapshotStream s = image.stream();
            for (ByteBuffer p = s.next(); p != null; p = s.next()) {
                out.write(p);
            }
        }
        Path swapFile = tmp.resolve("area.swap");
        try (FileChannel ch = FileChannel.open(swapFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            SwapArea.format(PageStore.of(ch), 0, 4096, KernelByteOrder.LITTLE, 30_000, UUID.randomUUID(), "swap");
        }
        long[] seen = new long[1];
        // snippet:write
        try (SwapArea area = SwapArea.open(swapFile);      // page size and byte order from its header
             StreamFile stream = StreamFile.open(streamFile, Optional.empty())) {
            ImageWriter.Result r = ImageWriter.write(stream, stream.target(), area, FreeSlots.emptyOnly(area),
                    ImageWriter.Options.defaults().withCompressor(Compressor.LZ4)
                            .withProgress((done, total, bytes) -> seen[0] = done));
            System.out.printf("%d pages in %d units, %d bytes written%n", r.pages(), r.units(), r.bytesOut());
        }
        // end
        assertThat(seen[0]).isPositive();
        try (HibernationImage written = HibernationImage.open(swapFile)) {
            assertThat(written.inspect(false).verdict()).isEqualTo(Verdict.VALID);
        }
    }

    @Test
    void aHibernationPlan() {
        int swapDevice = dev.torpor.snapshot.api.device.SnapshotDevice.encodeDev(254, 2);
        // snippet:plan
        Hibernator.Plan plan = Hibernator.Plan.builder(TargetProfile.X86_64, swapDevice)
                .compressor(Compressor.LZ4)     // the rest as the kernel does: LZO otherwise, one thread, power off
                .threads(2)
                .build();
        // end
        assertThat(plan.attempts()).isEqualTo(3);
        assertThat(plan.shutdown()).isEqualTo(Hibernator.Shutdown.POWEROFF);
    }
}
