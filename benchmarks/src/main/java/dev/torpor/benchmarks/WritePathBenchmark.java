package dev.torpor.benchmarks;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.GzipSources;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.SnapshotStream;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.FreeSlots;
import dev.torpor.image.io.write.StreamFile;
import dev.torpor.image.io.write.SwapArea;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The write path on the real memory pages of a kernel image: LZO compression (the kernel's LZO1X-1),
 * CRC32, framing, swap-map pages and writing into a swap-area file with fsync. One operation writes the whole
 * image (81.0 MB uncompressed for k61-lzo): MB/s = 81.0 / seconds per operation. Heap: run with -Xmx64m.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx64m"})
public class WritePathBenchmark {

    @Param({"testdata/corpus/k61-lzo.swap.gz"})
    public String image;

    @Param({"1", "2"})
    public int threads;

    private Path dir;
    private Path stream;
    private Path area;

    @Setup(Level.Trial)
    public void prepare() throws Exception {
        dir = Files.createTempDirectory("torpor-jmh");
        Path swap = dir.resolve("source.swap");
        GzipSources.inflateSparse(Path.of(image), swap);
        stream = dir.resolve("image.stream");
        try (HibernationImage img = HibernationImage.open(swap, ReadOptions.defaults());
             FileChannel out = FileChannel.open(stream, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            SnapshotStream s = img.stream();
            for (ByteBuffer p = s.next(); p != null; p = s.next()) {
                out.write(p);
            }
        }
        Files.delete(swap);
        area = dir.resolve("area.swap");
    }

    @Benchmark
    public long writeImage() throws Exception {
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             StreamFile source = StreamFile.open(stream, Optional.empty())) {
            PageStore store = PageStore.of(ch);
            SwapArea.format(store, 0, 4096, source.target().byteOrder(), 32768, UUID.randomUUID(), "jmh");
            SwapArea swap = SwapArea.open(store, 0, 4096, source.target().byteOrder());
            return ImageWriter.write(source, source.target(), swap, FreeSlots.emptyOnly(swap),
                    ImageWriter.Options.defaults().withCompressor(Compressor.LZO).withThreads(threads)).crc32();
        }
    }

    @TearDown(Level.Trial)
    public void clean() throws Exception {
        Files.deleteIfExists(area);
        Files.deleteIfExists(stream);
        Files.deleteIfExists(dir);
    }
}
