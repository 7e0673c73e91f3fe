package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.ErrnoException;
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
            assertThatThrownBy(() -> wb.start(-4096, 4096)).isInstanceOf(ErrnoException.class)
                    .hasMessageContaining("sync_file_range(" + file + ") failed with EINVAL")
                    .satisfies(e -> assertThat(((ErrnoException) e).is(Errno.EINVAL)).isTrue());
        }
        assertThatThrownBy(() -> Writeback.open(tmp.resolve("missing"))).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("failed with ENOENT")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.ENOENT.value()));
    }
}
