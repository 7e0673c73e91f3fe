package dev.torpor.benchmarks;

import dev.torpor.image.io.read.GzipSources;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.internal.ReadBenchmark;
import dev.torpor.image.io.read.ReadOptions;
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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The read path's CPU work on a real kernel image: LZO decompression of every compressed unit plus the
 * kernel's CRC32 over the output, one thread. One operation decodes the whole image (81 MB uncompressed for
 * k61-lzo), so MB/s = 81.0 / (seconds per operation). The same work is timed by {@code torpor bench read}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReadPathBenchmark {

    /** A compressed kernel image (gzip-compressed swap areas are inflated first). */
    @Param({"testdata/corpus/k61-lzo.swap.gz"})
    public String image;

    private ReadBenchmark bench;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path source = Path.of(image);
        Path area = source;
        if (GzipSources.isGzip(source)) {
            area = Files.createTempFile("torpor-bench", ".swap");
            area.toFile().deleteOnExit();
            GzipSources.inflateSparse(source, area);
        }
        try (HibernationImage img = HibernationImage.open(area, ReadOptions.defaults())) {
            bench = ReadBenchmark.load(img, Integer.MAX_VALUE);
        }
    }

    @Benchmark
    public long decompressAndCrc() throws Exception {
        return bench.runOnce().crc32();
    }
}
