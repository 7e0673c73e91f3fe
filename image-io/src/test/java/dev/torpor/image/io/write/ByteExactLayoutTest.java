package dev.torpor.image.io.write;

import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.SnapshotStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writing the stream of {@code k61-nocompress} uncompressed, with the slots in the order the kernel
 * allocated them, reproduces the area the kernel wrote, byte for byte.
 */
class ByteExactLayoutTest {
    private static final int P = 4096;

    @TempDir
    Path tmp;

    @Test
    void reproducesTheKernelWrittenAreaByteForByte() throws Exception {
        Path original = Corpus.swap("k61-nocompress");
        Path area = tmp.resolve("rewritten.swap");
        Process cp = new ProcessBuilder("cp", "--sparse=always", original.toString(), area.toString()).start();
        assertThat(cp.waitFor()).isZero();

        List<Long> kernelOrder = allocationOrder(original);
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // undo the kernel's work: signature back to the swap magic, every page of the image zeroed
            ByteBuffer header = ByteBuffer.allocate(P);
            ch.read(header, 0);
            byte[] orig = new byte[10];
            header.get(P - 20, orig);
            ch.write(ByteBuffer.wrap(orig), P - 10);
            for (long slot : kernelOrder) {
                ch.write(ByteBuffer.allocate(P), slot * P);
            }
        }
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertThat(image.inspect(true).verdict().label()).isEqualTo("no-image");
        }

        try (HibernationImage kernel = HibernationImage.open(original, ReadOptions.defaults());
             FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SnapshotStream stream = kernel.stream();
            PageStore store = PageStore.of(ch);
            SwapArea swap = SwapArea.open(store, 0, P, kernel.detection().orElseThrow().target().byteOrder());
            Iterator<Long> slots = kernelOrder.iterator();
            ImageWriter.write(stream, kernel.detection().orElseThrow().target(), swap, slots::next,
                    ImageWriter.Options.defaults().withCompressor(dev.torpor.image.io.codec.Compressor.NONE));
            assertThat(slots.hasNext()).isFalse();
        }
        assertThat(Areas.sha256(area)).isEqualTo(Areas.sha256(original));
    }

    /**
     * The order in which the kernel's writer allocated slots: the first map page, then each stored page,
     * and the next map page right after an entry fills a map page.
     */
    static List<Long> allocationOrder(Path swap) throws Exception {
        List<Long> order = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(swap, StandardOpenOption.READ)) {
            long map = read(ch, P - 32);
            order.add(map);
            while (map != 0) {
                for (int i = 0; i < 511; i++) {
                    long e = read(ch, map * P + 8L * i);
                    if (e != 0) {
                        order.add(e);
                    }
                }
                long next = read(ch, map * P + P - 8);
                if (next != 0) {
                    order.add(next);
                }
                map = next;
            }
        }
        return order;
    }

    private static long read(FileChannel ch, long at) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, at);
        return b.getLong(0);
    }
}
