package dev.torpor.tools;

import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A swap area that holds Torpor's encrypted kind has a signature blkid does not know, so udev makes no by-uuid link
 * for it (a Debian guest's initramfs could not find its resume device): torpor finds the header with that UUID among
 * the block devices itself. Here the "devices" are files made by mkswap and written by torpor.
 */
class SwapUuidTest {
    @TempDir
    Path tmp;

    @Test
    void findsTheSwapHeaderWithTheUuidWhateverItsSignature() throws Exception {
        Path sys = Files.createDirectories(tmp.resolve("sys/class/block"));
        Path dev = Files.createDirectories(tmp.resolve("dev"));
        Files.createDirectories(sys.resolve("vda"));
        Files.createDirectories(sys.resolve("vda1"));
        Files.write(dev.resolve("vda"), new byte[8192]);
        Path area = dev.resolve("vda1");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(area,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(1), (64L << 20) - 1);
        }
        String uuid = "5c4e0d1a-7b2f-4e8a-9c3d-2b1a0f9e8d7c";
        HostCommand.run("mkswap", "-U", uuid, area.toString());
        assertThat(RunningSystem.swapWithUuid(sys, dev, uuid)).contains(area);

        Path key = Files.write(tmp.resolve("key"), new byte[32]);
        Path stream = tmp.resolve("s");
        assertThat(Cli.run("read-stream", "-o", stream.toString(),
                Corpus.swap("k612-lzo").toString()).exit()).isZero();
        Cli.Result w = Cli.run("write-image", "--quiet", "--encrypt", key.toString(), "--kdf-iterations", "1000",
                "--to", area.toString(), stream.toString());
        assertThat(w.exit()).as(w.all()).isZero();
        assertThat(Files.readString(area, java.nio.charset.StandardCharsets.ISO_8859_1).substring(4086, 4096))
                .isEqualTo("TORPOR-AE1");
        assertThat(RunningSystem.swapWithUuid(sys, dev, uuid.toUpperCase())).contains(area);
        assertThat(RunningSystem.swapWithUuid(sys, dev, "00000000-0000-0000-0000-000000000000")).isEqualTo(
                Optional.empty());
        assertThat(RunningSystem.swapWithUuid(tmp.resolve("nothing"), dev, uuid)).isEmpty();
    }
}
