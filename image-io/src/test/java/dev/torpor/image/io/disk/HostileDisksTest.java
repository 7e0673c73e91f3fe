package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile disk image tries against the scan (each found in review): arithmetic that overflows, headers cut
 * short, nesting that would exhaust the stack, and planted signatures by the thousand. Each is a reported problem,
 * never an exception, a huge allocation or an endless search.
 */
class HostileDisksTest {
    @TempDir
    Path tmp;

    private ScanReport scan(Path disk) throws Exception {
        try (FileChannel ch = FileChannel.open(disk)) {
            return new DiskScan(true, false, n -> { }).scan(ch, ch.size(), disk.getFileName().toString());
        }
    }

    @Test
    void aGptEntryArrayWhoseSizeOverflowsIsRefused() throws Exception {
        byte[] head = DiskData.bytes("gpt-head.bin.gz");
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putInt(512 + 80, 0xffffffff).putInt(512 + 84, 0x80000008);
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "o.img", head, DiskData.GPT_DISK_SIZE));
        assertThat(l.problems()).anySatisfy(p -> assertThat(p.message()).contains("not plausible"));
        assertThat(l.names()).containsExactly("disk");
    }

    @Test
    void headersCutShortAreNamed() throws Exception {
        byte[] gpt = java.util.Arrays.copyOf(DiskData.bytes("gpt-head.bin.gz"), 520);
        assertThat(scan(Files.write(tmp.resolve("gpt.img"), gpt)).problems())
                .anySatisfy(p -> assertThat(p.message()).contains("ends inside the GPT header"));
        byte[] luks = {'L', 'U', 'K', 'S', (byte) 0xba, (byte) 0xbe, 0};
        assertThat(scan(Files.write(tmp.resolve("luks.img"), luks)).volumes().get(0).content().type())
                .isEqualTo(VolumeContent.Type.UNKNOWN);
        byte[] label = new byte[100];
        System.arraycopy("LABELONE".getBytes(StandardCharsets.US_ASCII), 0, label, 0, 8);
        System.arraycopy("LVM2 001".getBytes(StandardCharsets.US_ASCII), 0, label, 24, 8);
        assertThat(scan(Files.write(tmp.resolve("label.img"), label)).problems())
                .anySatisfy(p -> assertThat(p.message()).contains("ends inside its LVM label"));
    }

    @Test
    void aMetadataAreaOffTheVolumeIsRefused() throws Exception {
        for (long mda : new long[] {-4096, Long.MAX_VALUE - 100, 1L << 40}) {
            byte[] head = DiskData.bytes("lvm-pv-head.bin.gz");
            ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            // the label is in sector 1; its PV header at +32; the data area list, then the metadata area's offset
            int pv = 512 + b.getInt(512 + 20);
            int at = pv + 40;
            while (b.getLong(at) != 0) {
                at += 16;
            }
            b.putLong(at + 16, mda);
            DiskLayout l = DiskData.layout(DiskData.disk(tmp, "mda.img", head, DiskData.PV_SIZE));
            assertThat(l.groups()).isEmpty();
            assertThat(l.problems()).singleElement().satisfies(p -> {
                assertThat(p.message()).contains("is not inside the volume");
                assertThat(p.offset()).isEqualTo(pv);
            });
        }
        byte[] head = DiskData.bytes("lvm-pv-head.bin.gz");
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(4096 + 40, Long.MAX_VALUE - 8);
        assertThat(DiskData.layout(DiskData.disk(tmp, "rel.img", head, DiskData.PV_SIZE)).problems())
                .singleElement().extracting(Problem::message, org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains("not inside");
    }

    @Test
    void listsNestedAHundredThousandDeepAreASyntaxError() {
        String text = "vg { x = " + "[".repeat(100_000) + " }";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LvmText.parse(text))
                .isInstanceOf(LvmText.SyntaxException.class).hasMessageContaining("a list inside a list");
    }

    @Test
    void thousandsOfPlantedSwapHeadersAreCappedAndAFakeOneHidesNothing() throws Exception {
        int blocks = 2000;
        byte[] disk = new byte[blocks * 4096];
        ByteBuffer b = ByteBuffer.wrap(disk).order(ByteOrder.LITTLE_ENDIAN);
        disk[0] = 1; // not a swap area, not zeros: a volume to search
        // from block 16 on: a signature ending blocks 0, 1, 3, 7 or 15 would make the volume's own start a swap area
        // of 4, 8, 16, 32 or 64 KiB pages
        for (int i = 16; i < blocks; i++) {
            b.putInt(i * 4096 + 1024, 1).putInt(i * 4096 + 1028, i == 16 ? -1 : 0);
            b.put(i * 4096 + 4086, "SWAPSPACE2".getBytes(StandardCharsets.US_ASCII));
        }
        ScanReport r = scan(Files.write(tmp.resolve("planted.img"), disk));
        assertThat(r.findings()).hasSize(DiskScan.MAX_FINDINGS);
        assertThat(r.findings().get(0).inspection().swap().orElseThrow().lastPage()).isEqualTo(0xffffffffL);
        assertThat(r.findings().get(1).resumeOffset()).as("the search goes on past a header claiming 16 TiB")
                .isEqualTo(17);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.message()).contains("only the first 256"));
    }
}
