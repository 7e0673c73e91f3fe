package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The physical volume LVM2 2.03.16 wrote (testdata/disk/lvm-pv-head.bin.gz): VG torpor with 4 MiB extents, LV swap
 * on PEs 0–49 and 52–97 (lvs --segments), LV other on PEs 50–51, the first PE at 1 MiB (pvs -o pe_start). Then the
 * metadata damaged.
 */
class LvmLayoutTest {
    private static final long MIB = 1 << 20;
    private static final int MDA = 4096;

    @TempDir
    Path tmp;

    @Test
    void placesLinearLogicalVolumesAsLvsSaysTheyAre() throws Exception {
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "pv.img", DiskData.bytes("lvm-pv-head.bin.gz"),
                DiskData.PV_SIZE));
        assertThat(l.problems()).isEmpty();
        assertThat(l.groups()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("torpor");
            assertThat(g.extentBytes()).isEqualTo(4 * MIB);
            assertThat(g.pvs()).singleElement().satisfies(pv -> assertThat(pv.peStartBytes()).isEqualTo(MIB));
        });
        assertThat(l.names()).containsExactly("disk", "torpor/swap", "torpor/other");
        assertThat(l.volume("torpor/swap").orElseThrow().extents()).containsExactly(
                new DiskExtent(MIB, 50 * 4 * MIB), new DiskExtent(MIB + 52 * 4 * MIB, 46 * 4 * MIB));
        assertThat(l.volume("torpor/swap").orElseThrow().size()).isEqualTo(384 * MIB);
        assertThat(l.volume("torpor/other").orElseThrow().extents()).containsExactly(
                new DiskExtent(MIB + 50 * 4 * MIB, 2 * 4 * MIB));
    }

    @Test
    void aStripedVolumeIsNamedNotRead() throws Exception {
        DiskLayout l = withText(current().replaceFirst("stripe_count = 1", "stripe_count = 2"));
        assertThat(l.names()).doesNotContain("torpor/swap");
        assertThat(l.problems()).anySatisfy(p -> assertThat(p.message()).contains("torpor/swap is not read")
                .contains("2 stripes"));
    }

    @Test
    void aSegmentOnAMissingPvOrPastItsEndIsNamed() throws Exception {
        DiskLayout missing = withText(current().replaceFirst("\"pv0\", 52", "\"pv7\", 52"));
        assertThat(missing.names()).containsExactly("disk", "torpor/other");
        assertThat(missing.problems()).singleElement().extracting(Problem::message,
                org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("PV pv7 is not on this disk");

        DiskLayout past = withText(current().replaceFirst("\"pv0\", 52", "\"pv0\", 99999"));
        assertThat(past.problems()).singleElement().extracting(Problem::message,
                org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("end past its PV disk");
    }

    @Test
    void syntaxErrorsNameTheirByteOnTheDisk() throws Exception {
        String text = current();
        int brace = text.indexOf("logical_volumes {") + "logical_volumes ".length();
        DiskLayout l = withText(text.substring(0, brace) + "(" + text.substring(brace + 1));
        assertThat(l.groups()).isEmpty();
        assertThat(l.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("'=' or '{' expected after 'logical_volumes'");
            assertThat(p.offset()).isEqualTo(textAt() + brace);
        });
    }

    @Test
    void hostileTextsAreRefusedQuickly() throws Exception {
        for (String hostile : List.of("a {".repeat(100), "vg { id = \"never ends", "vg { x = [[1]] }",
                "vg { x = [" + "1,".repeat(300_000) + "1] }", "}", "vg { extent_size = 0 physical_volumes { } }",
                "= = =", "vg { x = 1e9999 }")) {
            DiskLayout l = withText(hostile);
            assertThat(l.groups()).as(hostile.substring(0, Math.min(40, hostile.length()))).isEmpty();
            assertThat(l.problems()).as(hostile.substring(0, Math.min(40, hostile.length()))).isNotEmpty();
        }
    }

    @Test
    void aTextLocationOutsideItsAreaIsRefused() throws Exception {
        byte[] head = DiskData.bytes("lvm-pv-head.bin.gz");
        ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).putLong(MDA + 48, Long.MAX_VALUE);
        DiskLayout l = DiskData.layout(DiskData.disk(tmp, "big.img", head, DiskData.PV_SIZE));
        assertThat(l.groups()).isEmpty();
        assertThat(l.problems()).singleElement().satisfies(p -> {
            assertThat(p.offset()).isEqualTo(MDA + 40);
            assertThat(p.message()).contains("not inside");
        });
    }

    /** The newest metadata text, as the area's header locates it. */
    private static String current() {
        byte[] head = DiskData.bytes("lvm-pv-head.bin.gz");
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        return new String(head, (int) (MDA + b.getLong(MDA + 40)), (int) b.getLong(MDA + 48),
                StandardCharsets.ISO_8859_1);
    }

    private static long textAt() {
        byte[] head = DiskData.bytes("lvm-pv-head.bin.gz");
        return MDA + ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong(MDA + 40);
    }

    /** The PV with {@code text} as its newest metadata (written where the old one was, its length set). */
    private DiskLayout withText(String text) throws Exception {
        byte[] head = DiskData.bytes("lvm-pv-head.bin.gz");
        byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = java.util.Arrays.copyOf(head, (int) Math.max(head.length, textAt() + t.length));
        System.arraycopy(t, 0, out, (int) textAt(), t.length);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(MDA + 48, t.length);
        return DiskData.layout(DiskData.disk(tmp, "pv.img", out, DiskData.PV_SIZE));
    }
}
