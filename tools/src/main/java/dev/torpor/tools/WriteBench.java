package dev.torpor.tools;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.FreeSlots;
import dev.torpor.image.io.write.StreamFile;
import dev.torpor.image.io.write.SwapArea;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/** Repeatedly writes one stream into a freshly formatted swap-area file, timing the writer. */
final class WriteBench {
    private final Path stream;
    private final Path area;
    private final long areaPages;
    private final int threads;

    record Totals(long images, long bytesIn, long bytesOut, double seconds) {
    }

    WriteBench(Path stream, Path area, long areaPages, int threads) {
        this.stream = stream;
        this.area = area;
        this.areaPages = areaPages;
        this.threads = threads;
    }

    Totals run(int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long images = 0;
        long in = 0;
        long out = 0;
        long nanos = 0;
        while (System.nanoTime() < deadline || images == 0) {
            try (FileChannel ch = FileChannel.open(area, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 StreamFile source = StreamFile.open(stream, Optional.empty())) {
                PageStore store = PageStore.of(ch);
                SwapArea.format(store, 0, 4096, source.target().byteOrder(), areaPages, UUID.randomUUID(), "bench");
                SwapArea swap = SwapArea.open(store, 0, 4096, source.target().byteOrder());
                long start = System.nanoTime();
                ImageWriter.Result r = ImageWriter.write(source, source.target(), swap, FreeSlots.emptyOnly(swap),
                        ImageWriter.Options.defaults().withCompressor(Compressor.LZO).withThreads(threads));
                nanos += System.nanoTime() - start;
                in += r.bytesIn();
                out += r.bytesOut();
                images++;
            }
        }
        return new Totals(images, in, out, nanos / 1e9);
    }
}
