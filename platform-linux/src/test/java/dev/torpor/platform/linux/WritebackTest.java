package dev.torpor.platform.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** sync_file_range on a real file written through another descriptor, and the errors a caller is told. */
class WritebackTest {
    @TempDir
    Path tmp;

    @Test
    void startsAndAwaitsTheWritebackOfWhatAnotherDescriptorWrote() throws Exception {
        Path file = tmp.resolve("area");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             Writeback wb = Writeback.open(file)) {
            ch.write(ByteBuffer.wrap(new byte[1 << 20]), 0);
            wb.start(0, 1 << 19);
            wb.await(0, 1 << 20);
            wb.await(0, 0); // nothing to do
        }
        assertThat(Files.size(file)).isEqualTo(1 << 20);
        try (Writeback wb = Writeback.open(file)) {
            assertThatThrownBy(() -> wb.start(-4096, 4096)).isInstanceOf(NativeException.class)
                    .hasMessageContaining("sync_file_range(" + file + ")").hasMessageContaining("errno 22");
        }
        assertThatThrownBy(() -> Writeback.open(tmp.resolve("missing"))).isInstanceOf(NativeException.class)
                .hasMessageContaining("errno 2");
    }
}
