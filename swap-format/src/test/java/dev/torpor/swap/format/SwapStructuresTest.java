package dev.torpor.swap.format;

import dev.torpor.snapshot.api.KernelByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SwapStructuresTest {

    @Test
    void mapPagesHoldOneEntryLessThanFits() {
        assertThat(SwapMapPage.entriesPerPage(4096, 8)).isEqualTo(511);
        assertThat(SwapMapPage.entriesPerPage(16384, 8)).isEqualTo(2047);
        assertThat(SwapMapPage.entriesPerPage(65536, 8)).isEqualTo(8191);
        assertThat(SwapMapPage.entriesPerPage(4096, 4)).isEqualTo(1023);
        ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.BIG_ENDIAN);
        page.putLong(0, 7).putLong(8, 9).putLong(4088, 1234);
        SwapMapPage m = SwapMapPage.of(page, 4096, 8, KernelByteOrder.BIG);
        assertThat(m.entry(0)).isEqualTo(7);
        assertThat(m.entry(1)).isEqualTo(9);
        assertThat(m.entry(2)).isZero();
        assertThat(m.nextSwap()).isEqualTo(1234);
        assertThat(m.nextSwapOffset()).isEqualTo(4088);
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 16384, 65536})
    void aUnitNeedsAtMost35Pages(int pageSize) {
        assertThat(CompressedUnits.maxUnitPages(pageSize, 8)).isEqualTo(35);
        assertThat(CompressedUnits.maxUnitPages(pageSize, 4)).isEqualTo(35);
    }

    @Test
    void worstCaseCompressedLength() {
        assertThat(CompressedUnits.worstCompressed(131072)).isEqualTo(139333);
        assertThat(CompressedUnits.unitPages(4088, 4096, 8)).isEqualTo(1);
        assertThat(CompressedUnits.unitPages(4089, 4096, 8)).isEqualTo(2);
        assertThat(CompressedUnits.unitPages(4092, 4096, 4)).isEqualTo(1);
    }

    @Test
    void mkswapHeaderFields() {
        ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        page.putInt(1024, 1).putInt(1028, 98303).putInt(1032, 2);
        page.putLong(1036, 0x29c3f866ff7b475eL);
        page.order(ByteOrder.BIG_ENDIAN).putLong(1036, 0x29c3f866ff7b475eL).putLong(1044, 0x973fa396409be0edL);
        page.put(1052, "swap0".getBytes());
        page.put(4086, SwapSignature.SWAPSPACE2.bytes());
        assertThat(SwapHeader.byteOrderOfVersion(page)).contains(KernelByteOrder.LITTLE);
        SwapHeader h = SwapHeader.parse(page, 4096, KernelByteOrder.LITTLE, SwapSignature.at(page, 4086).orElseThrow());
        assertThat(h.version()).isEqualTo(1);
        assertThat(h.lastPage()).isEqualTo(98303);
        assertThat(h.badPages()).isEqualTo(2);
        assertThat(h.uuid()).isEqualTo(UUID.fromString("29c3f866-ff7b-475e-973f-a396409be0ed"));
        assertThat(h.label()).isEqualTo("swap0");
        assertThat(SwapHeader.maxBadPages(4096)).isEqualTo(637);
    }

    @Test
    void signaturesAreRecognisedAndNamed() {
        ByteBuffer page = ByteBuffer.allocate(4096);
        for (SwapSignature s : SwapSignature.values()) {
            page.put(4086, s.bytes());
            assertThat(SwapSignature.at(page, 4086)).contains(s);
        }
        page.put(4086, "S1SUSPENDX".getBytes());
        assertThat(SwapSignature.at(page, 4086)).isEmpty();
        assertThat(SwapSignature.printable(page, 4086)).isEqualTo("S1SUSPENDX");
        assertThat(SwapSignature.TUXONICE.label()).isEqualTo("TuxOnIce");
        assertThat(SwapSignature.ULSUSPEND.kind()).isEqualTo(SwapSignature.Kind.FOREIGN_IMAGE);
        assertThat(SwapSignature.S1SUSPEND.kind()).isEqualTo(SwapSignature.Kind.KERNEL_IMAGE);
    }
}
