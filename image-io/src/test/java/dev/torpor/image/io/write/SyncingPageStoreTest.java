package dev.torpor.image.io.write;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hibernator's store: data goes through unchanged, and is made durable every N bytes and on force(); or, with a
 * writeback, each interval's range is started and the one before it waited for, and only force() makes it durable.
 */
class SyncingPageStoreTest {
    @TempDir
    Path tmp;

    @Test
    void forcesEveryNBytesAndOnRequest() throws Exception {
        List<String> calls = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(tmp.resolve("area"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            PageStore file = PageStore.of(ch);
            PageStore counting = Areas.watched(file, n -> calls.add("write " + n), () -> calls.add("force"));
            PageStore syncing = PageStore.syncingEvery(counting, 8192);
            for (int i = 0; i < 5; i++) {
                ByteBuffer page = ByteBuffer.allocate(4096);
                page.put(0, (byte) (i + 1));
                syncing.write(page, i * 4096L);
            }
            syncing.force();
            assertThat(calls).containsExactly("write 4096", "write 4096", "force", "write 4096", "write 4096", "force",
                    "write 4096", "force");
            ByteBuffer back = ByteBuffer.allocate(4096);
            syncing.read(back, 3 * 4096L);
            assertThat(back.get(0)).isEqualTo((byte) 4);
        }
        assertThatThrownBy(() -> PageStore.syncingEvery(null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void startsEachIntervalsWritebackAndWaitsForTheOneBefore() throws Exception {
        List<String> calls = new ArrayList<>();
        PageStore.Writeback writeback = new PageStore.Writeback() {
            @Override
            public void start(long position, long length) {
                calls.add("start " + position + "+" + length);
            }

            @Override
            public void await(long position, long length) {
                calls.add("await " + position + "+" + length);
            }
        };
        try (FileChannel ch = FileChannel.open(tmp.resolve("area"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            PageStore counting = Areas.watched(PageStore.of(ch), n -> { }, () -> calls.add("force"));
            PageStore async = PageStore.writingBackEvery(counting, 8192, writeback);
            // pages 10, 11 | 2, 12 | 13, 14 | 15, then force: a range spans the lowest to the highest byte written
            for (long page : new long[] {10, 11, 2, 12, 13, 14, 15}) {
                async.write(ByteBuffer.allocate(4096), page * 4096);
            }
            async.force();
            async.write(ByteBuffer.allocate(4096), 0);
            async.write(ByteBuffer.allocate(4096), 4096);
            assertThat(calls).containsExactly("start 40960+8192", "start 8192+45056", "await 40960+8192",
                    "start 53248+8192", "await 8192+45056", "force", "start 0+8192");
        }
        assertThatThrownBy(() -> PageStore.writingBackEvery(null, 1, null)).isInstanceOf(NullPointerException.class);
    }
}
