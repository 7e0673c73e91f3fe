package dev.torpor.tools;

import dev.torpor.hibernation.NativeCodecs;
import dev.torpor.image.io.internal.ReadBenchmark;
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
                "read:  decompression of the compressed units of a real image plus the kernel's CRC32 over the "
                        + "result, one thread, units held in memory (disk speed does not count). The figure is "
                        + "uncompressed MB/s.",
                "write: the write path on the real memory pages of that image: LZO compression with --threads "
                        + "threads, CRC32, framing, swap-map pages and writing into a swap-area file, fsync included. "
                        + "The figure is MB/s of uncompressed input."},
        footer = {"", "Examples:", "  torpor bench read --source testdata/corpus/k61-lzo.swap.gz --seconds 10",
                "  TORPOR_JAVA_OPTS=-Xmx64m torpor bench write --threads 2"})
final class BenchCommand implements Callable<Integer> {
    /** What to measure. */
    enum Mode { read, write }

    @Parameters(index = "0", paramLabel = "MODE", description = "What to measure: ${COMPLETION-CANDIDATES}.")
    Mode mode;

    @Option(names = "--source", paramLabel = "FILE",
            description = "A compressed image (swap area, optionally gzip-compressed). Default: ${DEFAULT-VALUE}.",
            defaultValue = "testdata/corpus/k61-lzo.swap.gz")
    String sourceFile;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "5",
            description = "How long to measure, after a warm-up of the same length. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "write: compression threads. Default: ${DEFAULT-VALUE}.")
    int threads;

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
        if (mode == Mode.write) {
            return write(out);
        }
        ReadBenchmark bench;
        try (OpenedSource src = OpenedSource.open(sourceFile, dev.torpor.image.io.read.ReadOptions.defaults(),
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

    private int write(PrintWriter out) throws Exception {
        Path dir = Files.createTempDirectory("torpor-bench");
        Path stream = dir.resolve("image.stream");
        Path area = dir.resolve("area.swap");
        try {
            try (OpenedSource src = OpenedSource.open(sourceFile, dev.torpor.image.io.read.ReadOptions.defaults(),
                    spec.commandLine().getErr());
                 java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(stream,
                         java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
                dev.torpor.image.io.read.SnapshotStream s = src.image.stream();
                for (java.nio.ByteBuffer p = s.next(); p != null; p = s.next()) {
                    ch.write(p);
                }
            }
            long pages = Files.size(stream) / 4096;
            String codec = NativeCodecs.install();
            WriteBench w = new WriteBench(stream, area, pages + pages / 4 + 64, threads);
            w.run(seconds); // warm-up
            WriteBench.Totals t = w.run(seconds);
            out.printf("bench write: %s compression + CRC32 + framing + writing to a swap-area file (fsync), "
                    + "%d thread(s), %d pages per image%n", codec, threads, pages);
            out.printf("%.0f MB/s uncompressed input (%d images in %.2f s, %.1f MB -> %.1f MB each), max heap %d MiB%n",
                    t.bytesIn() / 1e6 / t.seconds(), t.images(), t.seconds(), t.bytesIn() / 1e6 / t.images(),
                    t.bytesOut() / 1e6 / t.images(), Runtime.getRuntime().maxMemory() >> 20);
            return ExitCodes.OK;
        } finally {
            Files.deleteIfExists(stream);
            Files.deleteIfExists(area);
            Files.deleteIfExists(dir);
        }
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
