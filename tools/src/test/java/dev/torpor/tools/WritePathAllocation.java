package dev.torpor.tools;

import dev.torpor.image.io.read.BatchedPageSource;
import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.Progress;
import dev.torpor.image.io.write.FreeSlots;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.TargetProfile;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * What storing an image allocates on the heap per stream page, in the JVM it runs in: a snapshot stream held in
 * memory is written into a fresh swap area file, as the hibernator writes what it reads from {@code /dev/snapshot}
 * (units filled in batches), a few times to let the JIT settle; then the bytes allocated by every thread between a
 * quarter of the stream and its end, per page. Prints {@code bytes-per-page N}. The collector is frozen while a
 * real hibernation stores its image, so this decides how large an image the young generation carries.
 * Arguments: STREAM AREA THREADS COMPRESSOR [encrypted].
 */
final class WritePathAllocation {
    private WritePathAllocation() {
    }

    public static void main(String[] args) throws Exception {
        java.nio.MappedByteBuffer stream;
        try (FileChannel in = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ)) {
            stream = in.map(FileChannel.MapMode.READ_ONLY, 0, in.size()); // off the heap: the JVM's heap is small
        }
        Path areaFile = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        Compressor compressor = Compressor.valueOf(args[3]);
        boolean encrypted = args.length > 4 && args[4].equals("encrypted");
        int p = 4096;
        long pages = stream.capacity() / p;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long perPage = 0;
        for (int round = 0; round < 5; round++) {
            Files.deleteIfExists(areaFile);
            try (FileChannel ch = FileChannel.open(areaFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                SwapArea.format(PageStore.of(ch), 0, p, KernelByteOrder.LITTLE, pages + 1024, UUID.randomUUID(), "t");
                SwapArea area = SwapArea.open(PageStore.of(ch), 0, p, KernelByteOrder.LITTLE);
                long[] at = new long[4];
                Progress progress = (done, total, bytes) -> {
                    if (at[2] == 0 && done >= total / 4) {
                        at[0] = allAllocated(mx);
                        at[2] = done;
                    } else if (done == total) {
                        at[1] = allAllocated(mx);
                        at[3] = done;
                    }
                };
                if (encrypted) {
                    ImageWriter.write(new InMemory(stream, p), TargetProfile.X86_64, area, FreeSlots.emptyOnly(area),
                            ImageWriter.Options.defaults().withCompressor(compressor).withThreads(threads)
                                    .withProgress(progress).withKdfIterations(1000)
                                    .withEncryption(KeyMaterial.rawKey(new byte[32])));
                } else {
                    ImageWriter.write(new InMemory(stream, p), TargetProfile.X86_64, area, FreeSlots.emptyOnly(area),
                            ImageWriter.Options.defaults().withCompressor(compressor).withThreads(threads)
                                    .withProgress(progress));
                }
                perPage = (at[1] - at[0]) / Math.max(1, at[3] - at[2]);
            }
        }
        System.out.println("bytes-per-page " + perPage);
    }

    private static long allAllocated(com.sun.management.ThreadMXBean mx) {
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, b);
        }
        return sum;
    }

    /** The stream, mapped, handed out as the hibernator's source hands out /dev/snapshot's pages. */
    private static final class InMemory implements BatchedPageSource {
        private final ByteBuffer stream;
        private final int pageSize;
        private final ByteBuffer view;
        private int at;

        InMemory(ByteBuffer stream, int pageSize) {
            this.stream = stream;
            this.pageSize = pageSize;
            this.view = stream.duplicate();
        }

        @Override
        public ByteBuffer next() {
            if (at >= stream.capacity()) {
                return null;
            }
            view.limit(at + pageSize).position(at);
            at += pageSize;
            return view;
        }

        @Override
        public int nextPages(byte[] dst, int offset, int pages) {
            int n = Math.min(pages, (stream.capacity() - at) / pageSize);
            stream.get(at, dst, offset, n * pageSize);
            at += n * pageSize;
            return n;
        }
    }
}
