package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.ErrnoException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** BLKGETSIZE64 on a real loop device backed by a file of known size. */
class BlockDevicesTest {

    @TempDir
    Path tmp;

    @Tag("root")
    @Test
    void sizeOfALoopDeviceIsTheSizeOfItsFile() throws Exception {
        Path backing = tmp.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(3L * 1024 * 1024 + 512 * 7);
        }
        String loop = run("losetup", "--find", "--show", "--read-only", backing.toString()).trim();
        try {
            Path dev = Path.of(loop);
            assertThat(BlockDevices.isBlockDevice(dev)).isTrue();
            assertThat(BlockDevices.size(dev)).hasValue(3L * 1024 * 1024 + 512 * 7);
        } finally {
            run("losetup", "-d", loop);
        }
    }

    @Test
    void regularFilesAreNotBlockDevices() throws IOException {
        assertThat(BlockDevices.isBlockDevice(tmp)).isFalse();
        assertThat(BlockDevices.isBlockDevice(tmp.resolve("missing"))).isFalse();
    }

    @Test
    void errorsCarryTheCallAndErrno() {
        assertThatThrownBy(() -> BlockDevices.size(tmp.resolve("missing")))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(2))
                .hasMessageContaining("ENOENT");
        assertThatThrownBy(() -> BlockDevices.size(Path.of("/dev/null")))
                .isInstanceOf(ErrnoException.class).hasMessageContaining("BLKGETSIZE64").hasMessageContaining("ENOTTY");
    }

    @Test
    void requestNumbersFollowTheAbi() {
        assertThat(BlockDevices.blkGetSize64("amd64", 8)).isEqualTo(0x80081272L);
        assertThat(BlockDevices.blkGetSize64("aarch64", 8)).isEqualTo(0x80081272L);
        assertThat(BlockDevices.blkGetSize64("i386", 4)).isEqualTo(0x80041272L);
        assertThat(BlockDevices.blkGetSize64("ppc64le", 8)).isEqualTo(0x40081272L);
        assertThat(BlockDevices.blkGetSize64("mips64el", 8)).isEqualTo(0x40081272L);
        assertThat(BlockDevices.blkGetSize64("parisc", 4)).as("READ is 1 on PA-RISC").isEqualTo(0x40041272L);
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
