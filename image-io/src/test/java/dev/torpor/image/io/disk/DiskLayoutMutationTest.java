package dev.torpor.image.io.disk;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded byte mutations of the three disk goldens, in the bytes the scan reads (tables, label, metadata): reading
 * the layout and scanning it never throws anything but an I/O error, and every volume it names is on the disk.
 */
class DiskLayoutMutationTest {
    @TempDir
    Path tmp;

    static IntStream seeds() {
        return IntStream.range(0, 120);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void mutatedTablesAndMetadataAreReportedNeverThrown(int seed) throws Exception {
        Random r = new Random(seed);
        String[] names = {"gpt-head.bin.gz", "lvm-pv-head.bin.gz", "mbr-logical.img.gz"};
        String name = names[seed % names.length];
        byte[] b = DiskData.bytes(name);
        long size = switch (seed % names.length) {
            case 0 -> DiskData.GPT_DISK_SIZE;
            case 1 -> DiskData.PV_SIZE;
            default -> b.length;
        };
        int region = switch (seed % names.length) {
            case 0 -> b.length;
            case 1 -> 16 << 10;
            default -> 40 * 512;
        };
        int flips = 1 + r.nextInt(8);
        for (int i = 0; i < flips; i++) {
            int at = seed % names.length == 2 && r.nextBoolean() ? 36864 * 512 + r.nextInt(512) : r.nextInt(region);
            b[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : b[at] ^ (1 << r.nextInt(8)));
        }
        Path disk = DiskData.disk(tmp, "m.img", b, size);
        try (FileChannel ch = FileChannel.open(disk)) {
            ScanReport report = new DiskScan(false, false, n -> { }).scan(ch, ch.size(), "m.img");
            for (ScannedVolume v : report.volumes()) {
                for (DiskExtent e : v.volume().extents()) {
                    assertThat(e.diskOffset() + e.length()).isLessThanOrEqualTo(size);
                }
            }
        }
    }
}
