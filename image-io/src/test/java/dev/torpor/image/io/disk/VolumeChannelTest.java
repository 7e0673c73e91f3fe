package dev.torpor.image.io.disk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A volume in two extents reads as one device, and only reads. */
class VolumeChannelTest {
    @TempDir
    Path tmp;

    @Test
    void readsAcrossExtentsInVolumeOrder() throws Exception {
        byte[] disk = new byte[100];
        for (int i = 0; i < disk.length; i++) {
            disk[i] = (byte) i;
        }
        Path p = Files.write(tmp.resolve("d"), disk);
        try (FileChannel d = FileChannel.open(p);
             VolumeChannel v = new VolumeChannel(d, List.of(new DiskExtent(60, 10), new DiskExtent(20, 5)), false)) {
            assertThat(v.size()).isEqualTo(15);
            ByteBuffer all = ByteBuffer.allocate(32);
            assertThat(v.read(all, 0)).isEqualTo(15);
            assertThat(java.util.Arrays.copyOf(all.array(), 15)).containsExactly(60, 61, 62, 63, 64, 65, 66, 67, 68,
                    69, 20, 21, 22, 23, 24);
            ByteBuffer two = ByteBuffer.allocate(2);
            assertThat(v.read(two, 9)).isEqualTo(2);
            assertThat(two.array()).containsExactly(69, 20);
            assertThat(v.read(ByteBuffer.allocate(1), 15)).isEqualTo(-1);
            assertThat(v.diskOffset(12)).isEqualTo(22);
            assertThat(v.diskOffset(15)).isEqualTo(-1);
            assertThatThrownBy(() -> v.write(ByteBuffer.allocate(1), 0)).isInstanceOf(NonWritableChannelException.class);
        }
    }

    @Test
    void aDiskShorterThanItsTableGivesAShortRead() throws Exception {
        Path p = Files.write(tmp.resolve("short"), new byte[10]);
        try (FileChannel d = FileChannel.open(p);
             VolumeChannel v = new VolumeChannel(d, List.of(new DiskExtent(5, 100)), false)) {
            assertThat(v.read(ByteBuffer.allocate(50), 0)).isEqualTo(5);
            assertThat(v.read(ByteBuffer.allocate(50), 20)).isEqualTo(-1);
        }
    }
}
