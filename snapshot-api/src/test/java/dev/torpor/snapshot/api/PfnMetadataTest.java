package dev.torpor.snapshot.api;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class PfnMetadataTest {

    /** The reference's example: PFN 0x100, PFN 0x101 flagged zero, PFN 0x105, end marker (64-bit LE, 6.6+). */
    @Test
    void decodesTheWorkedExample() {
        ByteBuffer page = ByteBuffer.allocate(4096);
        page.put(0, HexFormat.ofDelimiter(" ").parseHex("00 01 00 00 00 00 00 00 01 01 00 00 00 00 00 80"
                + " 05 01 00 00 00 00 00 00 ff ff ff ff ff ff ff ff"));
        TargetProfile t = TargetProfile.X86_64;
        assertThat(PfnMetadata.decode(PfnMetadata.rawEntry(page, 0, t), t)).isEqualTo(new PfnMetadata.Entry(0x100, false));
        assertThat(PfnMetadata.decode(PfnMetadata.rawEntry(page, 1, t), t)).isEqualTo(new PfnMetadata.Entry(0x101, true));
        assertThat(PfnMetadata.decode(PfnMetadata.rawEntry(page, 2, t), t)).isEqualTo(new PfnMetadata.Entry(0x105, false));
        assertThat(PfnMetadata.rawEntry(page, 3, t)).isEqualTo(PfnMetadata.endMarker(t));
        assertThat(PfnMetadata.encode(new PfnMetadata.Entry(0x101, true), t)).isEqualTo(0x8000000000000101L);
    }

    @Test
    void thirtyTwoBitKernelsUseBit31AndFourByteEntries() {
        TargetProfile t = new TargetProfile(4096, 4, KernelByteOrder.LITTLE, "i386");
        assertThat(PfnMetadata.zeroFlag(t)).isEqualTo(0x80000000L);
        assertThat(PfnMetadata.endMarker(t)).isEqualTo(0xFFFFFFFFL);
        assertThat(PfnMetadata.decode(0x80001234L, t)).isEqualTo(new PfnMetadata.Entry(0x1234, true));
        assertThat(PfnMetadata.pagesFor(1024, t)).isEqualTo(1);
        assertThat(PfnMetadata.pagesFor(1025, t)).isEqualTo(2);
        assertThat(PfnMetadata.pagesFor(512, TargetProfile.X86_64)).isEqualTo(1);
        assertThat(PfnMetadata.pagesFor(513, TargetProfile.X86_64)).isEqualTo(2);
    }
}
