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

/** The hibernator's store: data goes through unchanged, and is made durable every N bytes and on force(). */
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
}
