package dev.torpor.tools;

import dev.torpor.image.io.ReadBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code torpor bench}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure Torpor's speed on real image data and print MB/s (10^6 bytes per second).", "",
                "read: decompression of the compressed units of a real image plus the kernel's CRC32 over the result, "
                        + "one thread, units held in memory (disk speed does not count). The figure is uncompressed "
                        + "MB/s."},
        footer = {"", "Example:", "  torpor bench read --source testdata/corpus/k61-lzo.swap.gz --seconds 10"})
final class BenchCommand implements Callable<Integer> {
    /** What to measure. */
    enum Mode { read }

    @Parameters(index = "0", paramLabel = "MODE", description = "What to measure: ${COMPLETION-CANDIDATES}.")
    Mode mode;

    @Option(names = "--source", paramLabel = "FILE",
            description = "A compressed image (swap area, optionally gzip-compressed). Default: ${DEFAULT-VALUE}.",
            defaultValue = "testdata/corpus/k61-lzo.swap.gz")
    String sourceFile;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "5",
            description = "How long to measure, after a warm-up of the same length. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (seconds < 1) {
            throw new IllegalArgumentException("--seconds must be at least 1");
        }
        if (!Files.exists(Path.of(sourceFile))) {
            throw new IllegalArgumentException("--source " + sourceFile + " does not exist (run from the repository "
                    + "root or name a compressed image)");
        }
        ReadBenchmark bench;
        try (OpenedSource src = OpenedSource.open(sourceFile, dev.torpor.image.io.ReadOptions.defaults(),
                spec.commandLine().getErr())) {
            bench = ReadBenchmark.load(src.image, Integer.MAX_VALUE);
        }
        measure(bench, seconds); // warm-up: let the JIT compile the decoder
        ReadBenchmark.Result r = measure(bench, seconds);
        out.printf("bench read: %s decompression + CRC32, 1 thread, %d units (%.1f MB compressed -> %.1f MB)%n",
                bench.compressor().label(), bench.unitCount(), r.compressedBytes() / 1e6 / (r.units() / bench.unitCount()),
                r.uncompressedBytes() / 1e6 / (r.units() / bench.unitCount()));
        out.printf("%.0f MB/s uncompressed (%d rounds in %.2f s)%n", r.megabytesPerSecond(), r.units() / bench.unitCount(),
                r.elapsed().toNanos() / 1e9);
        return ExitCodes.OK;
    }

    private static ReadBenchmark.Result measure(ReadBenchmark bench, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ReadBenchmark.Result total = null;
        while (System.nanoTime() < deadline) {
            ReadBenchmark.Result r = bench.runOnce();
            total = total == null ? r : new ReadBenchmark.Result(total.uncompressedBytes() + r.uncompressedBytes(),
                    total.compressedBytes() + r.compressedBytes(), total.units() + r.units(),
                    total.elapsed().plus(r.elapsed()), r.crc32());
        }
        return total;
    }
}
