package dev.torpor.hibernation;

import dev.torpor.image.io.write.PageStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hibernator's store with O_DIRECT for the image's page runs, on a real ext4 file: what goes direct, what goes
 * through the page cache, and that every byte reads back as written either way (a direct write replaces what the page
 * cache held of the same pages).
 */
class DirectWritesTest {
    @TempDir
    Path tmp;

    @Test
    void pageRunsFromAlignedDirectBuffersBypassTheCacheAndEverythingReadsBackAsWritten() throws Exception {
        Path file = tmp.resolve("area");
        Files.write(file, new byte[64 * 4096]);
        Random rnd = new Random(7);
        byte[] expected = new byte[64 * 4096];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             DirectWrites store = DirectWrites.open(PageStore.of(ch), file, 4096)) {
            assertThat(store.isDirect()).as("ext4 takes O_DIRECT").isTrue();
            // the page cache holds page 3 first: the direct write below must not leave it stale
            store.read(ByteBuffer.allocate(4096), 3 * 4096L);
            ByteBuffer run = ByteBuffer.allocateDirect(9 * 4096).alignedSlice(4096).limit(8 * 4096);
            byte[] bytes = new byte[8 * 4096];
            rnd.nextBytes(bytes);
            run.put(0, bytes);
            store.write(run, 2 * 4096L);
            System.arraycopy(bytes, 0, expected, 2 * 4096, bytes.length);
            // a heap page (a map page), an unaligned slice and a partial page go through the page cache
            byte[] heap = new byte[4096];
            rnd.nextBytes(heap);
            store.write(ByteBuffer.wrap(heap), 20 * 4096L);
            System.arraycopy(heap, 0, expected, 20 * 4096, 4096);
            ByteBuffer unaligned = ByteBuffer.allocateDirect(2 * 4096 + 1).position(1).slice().limit(4096);
            byte[] third = new byte[4096];
            rnd.nextBytes(third);
            unaligned.put(0, third);
            store.write(unaligned, 30 * 4096L);
            System.arraycopy(third, 0, expected, 30 * 4096, 4096);
            store.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 40 * 4096L + 5);
            expected[40 * 4096 + 5] = 1;
            expected[40 * 4096 + 6] = 2;
            expected[40 * 4096 + 7] = 3;
            store.rehearse(2); // page 2 written back as it is, directly
            store.force();
            ByteBuffer page3 = ByteBuffer.allocate(4096);
            store.read(page3, 3 * 4096L);
            assertThat(page3.array()).isEqualTo(Arrays.copyOfRange(expected, 3 * 4096, 4 * 4096));
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(expected);
    }

    @Test
    void whereTheDeviceCannotBeOpenedWithODirectEveryWriteIsBuffered() throws Exception {
        Path file = tmp.resolve("closed");
        Files.write(file, new byte[4 * 4096]);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
             DirectWrites store = DirectWrites.open(PageStore.of(ch), tmp.resolve("no such device"), 4096)) {
            assertThat(store.isDirect()).isFalse();
            ByteBuffer run = ByteBuffer.allocateDirect(2 * 4096).alignedSlice(4096).limit(4096);
            run.put(0, (byte) 9);
            store.write(run, 4096);
            store.force();
        }
        assertThat(Files.readAllBytes(file)[4096]).isEqualTo((byte) 9);
    }
}
