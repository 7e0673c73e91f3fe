package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partition tables written by util-linux's sfdisk 2.38.1 (testdata/disk): the GPT of the scan test's disk and an MBR
 * with an extended partition holding two logical ones; then each damaged in the ways a found disk can be.
 */
class PartitionTablesTest {
    @TempDir
    Path tmp;

    @Test
    void readsSfdisksGpt() throws Exception {
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "gpt.img", DiskData.bytes("gpt-head.bin.gz"),
                DiskData.GPT_DISK_SIZE));
        PartitionTable t = l.table().orElseThrow();
        assertThat(t.scheme()).isEqualTo("gpt");
        assertThat(t.sectorSize()).isEqualTo(512);
        assertThat(t.diskId()).contains("2D5E1F4A-6C3B-4E8D-9F10-112233445566");
        assertThat(t.problems()).isEmpty();
        // sfdisk --json: starts 2048, 788480, 1648640, 1910784; sizes 786432, 860160, 262144, 40960 sectors
        assertThat(t.partitions()).extracting(Partition::number, Partition::offset, Partition::size).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, 2048L * 512, 786432L * 512),
                org.assertj.core.groups.Tuple.tuple(2, 788480L * 512, 860160L * 512),
                org.assertj.core.groups.Tuple.tuple(3, 1648640L * 512, 262144L * 512),
                org.assertj.core.groups.Tuple.tuple(4, 1910784L * 512, 40960L * 512));
        assertThat(t.partitions()).extracting(p -> p.name().orElse(""))
                .containsExactly("swap", "lvm", "data", "vault");
        assertThat(t.partitions().get(0).type()).isEqualTo("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F (Linux swap)");
        assertThat(t.partitions().get(3).type()).endsWith("(Linux LUKS)");
        assertThat(t.partitions().get(0).guid()).contains("d50e27db-bddb-0641-8e93-869e4b02a0f5");
        assertThat(l.names()).containsExactly("p1", "p2", "p3", "p4");
    }

    @Test
    void readsSfdisksMbrWithLogicalPartitions() throws Exception {
        byte[] img = DiskData.bytes("mbr-logical.img.gz");
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "mbr.img", img, img.length));
        PartitionTable t = l.table().orElseThrow();
        assertThat(t.scheme()).isEqualTo("mbr");
        assertThat(t.diskId()).contains("0x1234abcd");
        assertThat(t.problems()).isEmpty();
        // sfdisk -d: 1 start 2048 size 16384 type 82; 2 extended 18432+81920; 5 20480+16384 type 82; 6 38912+16384
        assertThat(t.partitions()).extracting(Partition::number, Partition::offset, Partition::size, Partition::type)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, 2048L * 512, 16384L * 512, "0x82 (Linux swap)"),
                        org.assertj.core.groups.Tuple.tuple(5, 20480L * 512, 16384L * 512, "0x82 (Linux swap)"),
                        org.assertj.core.groups.Tuple.tuple(6, 38912L * 512, 16384L * 512, "0x83 (Linux)"));
    }

    @Test
    void aDamagedGptHeaderIsNamedAndAnAbsurdEntryArrayRefused() throws Exception {
        byte[] head = DiskData.bytes("gpt-head.bin.gz");
        head[512 + 56] ^= 1; // the disk GUID: the header's CRC32 no longer matches
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "a.img", head, DiskData.GPT_DISK_SIZE));
        assertThat(l.problems()).extracting(Problem::offset, Problem::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(512L + 16, Problem.Severity.WARNING));
        assertThat(l.table().orElseThrow().partitions()).hasSize(4);

        byte[] huge = DiskData.bytes("gpt-head.bin.gz");
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(512 + 80, 0x7fffffff);
        DiskLayout h = DiskData.layout(DiskData.disk(tmp, "b.img", huge, DiskData.GPT_DISK_SIZE));
        assertThat(h.table().orElseThrow().partitions()).isEmpty();
        assertThat(h.problems()).anySatisfy(p -> {
            assertThat(p.offset()).isEqualTo(512 + 80);
            assertThat(p.message()).contains("not plausible");
        });
    }

    @Test
    void aPartitionPastTheEndOfATruncatedDiskIsKeptAsFarAsTheDiskGoes() throws Exception {
        long cut = 1910784L * 512 + 4096; // inside partition 4
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "t.img", DiskData.bytes("gpt-head.bin.gz"), cut));
        assertThat(l.names()).containsExactly("p1", "p2", "p3", "p4");
        assertThat(l.volume("p4").orElseThrow().size()).isEqualTo(4096);
        assertThat(l.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("partition 4").contains("ends past the disk").contains("truncated");
            assertThat(p.severity()).isEqualTo(Problem.Severity.WARNING);
            assertThat(p.offset()).isEqualTo(1024L + 3 * 128 + 32); // the entry's first-LBA field
        });
        DiskLayout before = DiskData.layout(DiskData.disk(tmp, "u.img", DiskData.bytes("gpt-head.bin.gz"),
                1910784L * 512));
        assertThat(before.names()).containsExactly("p1", "p2", "p3");
        assertThat(before.problems()).singleElement().extracting(Problem::message,
                org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("starts past the disk");
    }

    @Test
    void aProtectiveMbrWithoutGptHeaderIsAnError() throws Exception {
        byte[] head = DiskData.bytes("gpt-head.bin.gz");
        head[512] = 'X';
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "p.img", head, DiskData.GPT_DISK_SIZE));
        assertThat(l.table().orElseThrow().partitions()).isEmpty();
        assertThat(l.names()).as("the whole disk is still a volume, to be searched").containsExactly("disk");
        assertThat(l.problems()).singleElement().extracting(Problem::message, org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("no 'EFI PART'");
    }

    @Test
    void aLoopInTheExtendedChainIsCut() throws Exception {
        byte[] img = DiskData.bytes("mbr-logical.img.gz");
        // the second EBR (sector 38912 - 2048 = 36864) points on to itself: extended start 18432 + 18432
        int ebr2 = 36864 * 512;
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ebr2 + 446 + 16 + 4, (byte) 0x05).putInt(ebr2 + 446 + 16 + 8, 36864 - 18432)
                .putInt(ebr2 + 446 + 16 + 12, 100);
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "loop.img", img, img.length));
        assertThat(l.names()).containsExactly("p1", "p5", "p6");
        assertThat(l.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("loops back to sector 36864");
            assertThat(p.offset()).isEqualTo(ebr2);
        });
    }

    @Test
    void aMissingExtendedBootRecordEndsTheChain() throws Exception {
        byte[] img = DiskData.bytes("mbr-logical.img.gz");
        img[36864 * 512 + 510] = 0;
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "ebr.img", img, img.length));
        assertThat(l.names()).containsExactly("p1", "p5");
        assertThat(l.problems()).singleElement().extracting(Problem::offset).isEqualTo(36864L * 512 + 510);
    }

    @Test
    void noTableMeansTheWholeDisk() throws Exception {
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "raw.img", new byte[0], 1 << 20));
        assertThat(l.table()).isEqualTo(Optional.empty());
        assertThat(l.volumes()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("disk");
            assertThat(v.extents()).isEqualTo(List.of(new DiskExtent(0, 1 << 20)));
        });
    }

    @Test
    void guidsAreMixedEndian() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        // the Linux swap type GUID as it is on disk
        b.put(new byte[] {0x6d, (byte) 0xfd, 0x57, 0x06, (byte) 0xab, (byte) 0xa4, (byte) 0xc4, 0x43, (byte) 0x84,
                (byte) 0xe5, 0x09, 0x33, (byte) 0xc8, 0x4b, 0x4f, 0x4f});
        assertThat(PartitionTables.guid(b, 0)).isEqualTo("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");
    }
}
