package dev.torpor.image.io.write;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.SnapshotStream;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.snapshot.api.TargetProfile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips of the real kernel images: read each corpus image's stream, write it with each compressor,
 * read it back: the identical stream, a valid image, a matching CRC32 — and the same bytes on disk whatever
 * the thread count.
 */
class ImageWriterTest {

    @TempDir
    Path tmp;

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (String n : Corpus.NAMES) {
            for (Compressor c : Compressor.values()) {
                a.add(Arguments.of(n, c));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("cases")
    void roundTripGivesTheIdenticalStream(String name, Compressor compressor) throws Exception {
        String original;
        TargetProfile target;
        Path one = Areas.fresh(tmp.resolve("one.swap"), 24576);
        Path two = Areas.fresh(tmp.resolve("two.swap"), 24576);
        ImageWriter.Result r1;
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults())) {
            target = image.detection().orElseThrow().target();
            original = digest(image.stream());
            r1 = write(image.stream(), target, one, ImageWriter.Options.defaults().withCompressor(compressor));
            if (compressor != Compressor.NONE) {
                write(image.stream(), target, two, ImageWriter.Options.defaults().withCompressor(compressor)
                        .withThreads(3));
            }
        }
        try (HibernationImage written = HibernationImage.open(one, ReadOptions.defaults())) {
            Inspection i = written.inspect(false);
            assertThat(i.problems()).isEmpty();
            assertThat(i.verdict()).isEqualTo(Verdict.VALID);
            assertThat(i.detection().orElseThrow().compressor()).isEqualTo(compressor);
            assertThat(i.crc32Ok()).isEqualTo(compressor == Compressor.NONE ? java.util.Optional.empty()
                    : java.util.Optional.of(true));
            assertThat(i.header().orElseThrow().flags().value()).isEqualTo(r1.flags());
            assertThat(i.map().orElseThrow().storedPages()).isEqualTo(r1.storedPages());
            assertThat(i.map().orElseThrow().mapPages()).isEqualTo(r1.mapPages());
            assertThat(digest(written.stream())).isEqualTo(original);
        }
        if (compressor != Compressor.NONE) {
            assertThat(Areas.sha256(two)).as("the bytes on disk do not depend on the thread count")
                    .isEqualTo(Areas.sha256(one));
        }
    }

    @Test
    void reportsProgressAndMeters() throws Exception {
        Path area = Areas.fresh(tmp.resolve("area.swap"), 24576);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong last = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        ImageWriter.Result r;
        try (HibernationImage image = HibernationImage.open(Corpus.swap("k612-lzo"), ReadOptions.defaults())) {
            r = write(image.stream(), image.detection().orElseThrow().target(), area, ImageWriter.Options.defaults()
                    .withRegistry(registry).withProgress((done, total, bytes) -> {
                        assertThat(done).isGreaterThan(last.get()).isLessThanOrEqualTo(total);
                        assertThat(total).isEqualTo(14594);
                        last.set(done);
                        calls.incrementAndGet();
                    }));
        }
        assertThat(last.get()).isEqualTo(14594);
        assertThat(calls.get()).as("once per compressed unit, plus the header page").isEqualTo(1 + r.units());
        assertThat(registry.get("torpor.write.pages").counter().count()).isEqualTo(14594);
        assertThat(registry.get("torpor.write.bytes.in").counter().count()).isEqualTo(14594.0 * 4096);
        assertThat(registry.get("torpor.write.bytes.out").counter().count()).isEqualTo(r.bytesOut() - 4096.0);
        // one timed write per run of consecutive slots (at most MapWriter.RUN pages each)
        assertThat(registry.get("torpor.write.latency").timer().count())
                .isBetween((r.storedPages() + r.mapPages()) / MapWriter.RUN, r.storedPages() + r.mapPages());
    }

    @Test
    void attributesItsTimeToReadingCompressingAndWriting() throws Exception {
        Path file = Areas.fresh(tmp.resolve("area.swap"), 24576);
        long[] reads = new long[1];
        long[] writes = new long[1];
        ImageWriter.Result r;
        long wall = System.nanoTime();
        try (HibernationImage image = HibernationImage.open(Corpus.swap("k612-lzo"), ReadOptions.defaults());
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SnapshotStream stream = image.stream();
            dev.torpor.image.io.read.PageSource slowSource = () -> {
                if (reads[0]++ % 1024 == 0) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                return stream.next();
            };
            PageStore plain = PageStore.of(ch);
            PageStore slowStore = Areas.watched(plain, n -> {
                writes[0]++;
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }, () -> { });
            SwapArea area = SwapArea.open(slowStore, 0, 4096, image.detection().orElseThrow().target().byteOrder());
            r = ImageWriter.write(slowSource, image.detection().orElseThrow().target(), area,
                    FreeSlots.emptyOnly(area), ImageWriter.Options.defaults());
        }
        wall = System.nanoTime() - wall;
        ImageWriter.Phases ph = r.phases();
        // the sleeps are lower bounds: reading and writing took at least that long, and were counted where they happened
        assertThat(ph.read()).isGreaterThanOrEqualTo((reads[0] / 1024) * 5_000_000L);
        assertThat(ph.write()).isGreaterThanOrEqualTo((writes[0] - 1) * 1_000_000L);
        assertThat(ph.transform()).as("LZO compression of 14,594 pages takes some time").isPositive();
        assertThat(ph.checksum()).as("the CRC32 of 14,594 pages takes some time").isPositive();
        assertThat(ph.slots()).isNotNegative();
        assertThat(ph.sync()).isPositive();
        assertThat(ph.read() + ph.transform() + ph.checksum() + ph.slots() + ph.write() + ph.sync())
                .isLessThanOrEqualTo(wall);
    }

    static ImageWriter.Result write(SnapshotStream stream, TargetProfile t, Path file, ImageWriter.Options o)
            throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            PageStore store = PageStore.of(ch);
            SwapArea area = SwapArea.open(store, 0, 4096, t.byteOrder());
            return ImageWriter.write(stream, t, area, FreeSlots.emptyOnly(area), o);
        }
    }

    static String digest(SnapshotStream s) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        long pages = 0;
        for (ByteBuffer p = s.next(); p != null; p = s.next()) {
            md.update(p);
            pages++;
        }
        return pages + ":" + HexFormat.of().formatHex(md.digest());
    }

    @Test
    void refusesAnAreaThatAlreadyHoldsAnImage() throws Exception {
        try (FileChannel ch = FileChannel.open(Corpus.swap("k61-lzo"), StandardOpenOption.READ)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SwapArea.open(PageStore.of(ch), 0, 4096,
                            dev.torpor.snapshot.api.KernelByteOrder.LITTLE))
                    .hasMessageContaining("already holds a S1SUSPEND image");
        }
        assertThat(ImageKind.KERNEL).isNotNull();
    }

    @Test
    void theStagesDeclareTheirMemoryAndTheBoundFitsA64MibHeap() {
        TargetProfile t = TargetProfile.X86_64;
        long one = ImageWriter.memoryBound(ImageWriter.Options.defaults(), t);
        long two = ImageWriter.memoryBound(ImageWriter.Options.defaults().withThreads(2), t);
        long eight = ImageWriter.memoryBound(ImageWriter.Options.defaults().withThreads(8), t);
        assertThat(one).isLessThan(two).isLessThan(eight);
        assertThat(two).isLessThan(4L << 20);
        assertThat(eight).isLessThan(16L << 20);
        assertThat(new Compression(Compressor.LZO).maxOutput(131072)).isGreaterThanOrEqualTo(139333);
        assertThat(ImageWriter.memoryBound(ImageWriter.Options.defaults().withCompressor(Compressor.NONE), t))
                .isLessThan(one);
    }
}
