package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.ErrnoException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FIEMAP on real files of this machine's file system, checked against e2fsprogs' filefrag. */
class FiemapTest {

    @TempDir
    Path tmp;

    @Test
    void theResumeOffsetIsTheFirstPhysicalPageAsFilefragSaysIt() throws Exception {
        Path swap = tmp.resolve("swapfile");
        byte[] mib = new byte[1 << 20];
        java.util.Arrays.fill(mib, (byte) 0x5a);
        try (var out = Files.newOutputStream(swap)) {
            for (int i = 0; i < 8; i++) {
                out.write(mib);
            }
        }
        List<Fiemap.Extent> extents = Fiemap.extents(swap);
        assertThat(extents).isNotEmpty();
        assertThat(extents.get(0).logical()).isZero();
        assertThat(extents.stream().mapToLong(Fiemap.Extent::length).sum()).isEqualTo(8L << 20);
        long offset = Fiemap.resumeOffset(swap, Files.size(swap), 4096);

        // filefrag -v: " ext: logical_offset: physical_offset: length: ..." in file-system blocks
        String ff = run("filefrag", "-v", "-b4096", swap.toString());
        Matcher m = Pattern.compile("(?m)^\\s*0:\\s+0\\.\\.\\s*\\d+:\\s+(\\d+)\\.\\.").matcher(ff);
        assertThat(m.find()).as(ff).isTrue();
        assertThat(offset).isEqualTo(Long.parseLong(m.group(1)));
    }

    @Tag("root")
    @Test
    void onBtrfsTheResumeOffsetIsTheDeviceAddressAsBtrfsProgsMapsIt() throws Exception {
        // a real btrfs on a loop device; a balance first moves the data chunks to new logical addresses, so that
        // FIEMAP's btrfs-logical address is not the device address
        Path image = tmp.resolve("btrfs.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        run("mkfs.btrfs", "-q", "-f", image.toString());
        String loop = run("losetup", "--find", "--show", image.toString()).trim();
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        try {
            run("mount", "-t", "btrfs", loop, mnt.toString());
            try {
                Files.write(mnt.resolve("filler"), new byte[8 << 20]);
                run("sync");
                run("btrfs", "balance", "start", "--full-balance", mnt.toString());
                Path swap = mnt.resolve("swapfile");
                run("btrfs", "filesystem", "mkswapfile", "--size", "64m", swap.toString());
                long offset = Fiemap.resumeOffset(swap, Files.size(swap), 4096);
                long expected = Long.parseLong(run("btrfs", "inspect-internal", "map-swapfile", "-r",
                        swap.toString()).trim());
                assertThat(offset).as("btrfs inspect-internal map-swapfile -r").isEqualTo(expected);
                assertThat(Fiemap.extents(swap).get(0).physical() / 4096).as("FIEMAP's own address")
                        .isNotEqualTo(offset);
                try (RandomAccessFile dev = new RandomAccessFile(loop, "r")) {
                    byte[] sig = new byte[10];
                    dev.seek(offset * 4096 + 4086);
                    dev.readFully(sig);
                    assertThat(new String(sig, StandardCharsets.US_ASCII)).as("the swap header on the device")
                            .isEqualTo("SWAPSPACE2");
                }
                assertThat(BtrfsChunks.of(swap).chunks()).anyMatch(BtrfsChunks.Chunk::single);
            } finally {
                run("umount", mnt.toString());
            }
        } finally {
            run("losetup", "-d", loop);
        }
    }

    @Test
    void holesAreRefusedWithTheReasonAndPreallocatedFilesAreTaken() throws Exception {
        Path sparse = tmp.resolve("sparse");
        try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
            f.setLength(4L << 20);
            f.seek(2L << 20);
            f.write(new byte[4096 * 4]);
        }
        assertThatThrownBy(() -> Fiemap.resumeOffset(sparse, Files.size(sparse), 4096))
                .isInstanceOf(IOException.class).hasMessageContaining("hole");
        // preallocated: the kernel swaps to unwritten extents too, so the offset is that of the first block
        Path prealloc = tmp.resolve("prealloc");
        run("fallocate", "-l", "4M", prealloc.toString());
        run("mkswap", prealloc.toString());
        assertThat(Fiemap.extents(prealloc)).anyMatch(e -> (e.flags() & Fiemap.UNWRITTEN) != 0);
        String ff = run("filefrag", "-v", "-b4096", prealloc.toString());
        Matcher m = Pattern.compile("(?m)^\\s*0:\\s+0\\.\\.\\s*\\d+:\\s+(\\d+)\\.\\.").matcher(ff);
        assertThat(m.find()).as(ff).isTrue();
        assertThat(Fiemap.resumeOffset(prealloc, Files.size(prealloc), 4096)).isEqualTo(Long.parseLong(m.group(1)));
        Path empty = Files.createFile(tmp.resolve("empty"));
        assertThatThrownBy(() -> Fiemap.resumeOffset(empty, 0, 4096)).hasMessageContaining("no data");
        assertThatThrownBy(() -> Fiemap.extents(tmp.resolve("missing"))).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("ENOENT");
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }
}
