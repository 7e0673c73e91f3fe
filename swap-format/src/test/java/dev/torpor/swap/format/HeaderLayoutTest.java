package dev.torpor.swap.format;

import dev.torpor.snapshot.api.KernelByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderLayoutTest {

    @Test
    void offsetsOfEveryEraFor4KiBPages() {
        assertThat(HeaderLayout.V5_17.hwSigOffset(4096, 8)).hasValue(4056);
        assertThat(HeaderLayout.V5_17.crc32Offset(4096, 8)).hasValue(4060);
        assertThat(HeaderLayout.V5_17.imageOffset(4096, 8)).isEqualTo(4064);
        assertThat(HeaderLayout.V5_17.flagsOffset(4096)).hasValue(4072);
        assertThat(HeaderLayout.V5_17.origSigOffset(4096)).isEqualTo(4076);
        assertThat(HeaderLayout.V5_17.sigOffset(4096)).isEqualTo(4086);
        assertThat(HeaderLayout.V3_2.hwSigOffset(4096, 8)).isEmpty();
        assertThat(HeaderLayout.V2_6_23.crc32Offset(4096, 8)).isEmpty();
        assertThat(HeaderLayout.V2_6_19.imageOffset(4096, 8)).isEqualTo(4068);
        assertThat(HeaderLayout.V2_6_19.flagsOffset(4096)).isEmpty();
        // 4-byte sector_t (32-bit kernels before 5.2 without LBDAF)
        assertThat(HeaderLayout.V5_17.imageOffset(4096, 4)).isEqualTo(4068);
        assertThat(HeaderLayout.V5_17.crc32Offset(4096, 4)).hasValue(4064);
        assertThat(HeaderLayout.V5_17.hwSigOffset(4096, 4)).hasValue(4060);
    }

    @ParameterizedTest
    @ValueSource(ints = {16384, 65536})
    void largerPagesShiftEveryFieldByTheExtraBytes(int pageSize) {
        int shift = pageSize - 4096;
        for (HeaderLayout l : HeaderLayout.values()) {
            assertThat(l.imageOffset(pageSize, 8)).isEqualTo(l.imageOffset(4096, 8) + shift);
            assertThat(l.sigOffset(pageSize)).isEqualTo(pageSize - 10);
        }
    }

    /** The reference's worked example of a 5.17+ header tail: image 1, flags CRC32, crc32 0x658D2093. */
    @Test
    void parsesTheWorkedExample() {
        ByteBuffer page = ByteBuffer.allocate(4096);
        page.put(0xfd0, HexFormat.ofDelimiter(" ").parseHex(
                "00 00 00 00 00 00 00 00 00 00 00 00 93 20 8d 65"
                        + " 01 00 00 00 00 00 00 00 04 00 00 00 53 57 41 50"
                        + " 53 50 41 43 45 32 53 31 53 55 53 50 45 4e 44 00"));
        SwsuspHeader h = SwsuspHeader.parse(page, 4096, HeaderLayout.V5_17, 8, KernelByteOrder.LITTLE);
        assertThat(h.signature()).contains(SwapSignature.S1SUSPEND);
        assertThat(h.origSig()).contains(SwapSignature.SWAPSPACE2);
        assertThat(h.image()).isEqualTo(1);
        assertThat(h.flags().value()).isEqualTo(4);
        assertThat(h.flags().names()).containsExactly("CRC32");
        assertThat(h.crc32()).isEqualTo(0x658D2093L);
        assertThat(h.hwSig()).isZero();
    }

    @Test
    void flagsNameEveryBit() {
        assertThat(new ImageFlags(0x1f).names()).containsExactly("PLATFORM", "NOCOMPRESS", "CRC32", "HW_SIG", "LZ4");
        assertThat(new ImageFlags(0x104).names()).containsExactly("CRC32", "0x100");
        assertThat(new ImageFlags(0x104).unknownBits()).isEqualTo(0x100);
    }

    @Test
    void swapEntriesOf2617KeepTheirOffset() {
        long entry = (3L << 59) | 1234;
        assertThat(SwsuspHeader.swapEntryOffset(entry, 8)).isEqualTo(1234);
        assertThat(SwsuspHeader.swapEntryOffset((2L << 27) | 77, 4)).isEqualTo(77);
    }
}
