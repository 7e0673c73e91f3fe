package dev.torpor.hibernation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HibernationHeapTest {
    private static final long EDEN = 24L * 8 / 10 << 20; // -Xmn24m with the serial collector's 8:1:1
    private static final long FIXED = 2L << 20;

    @Test
    void theLargestImageIsHalfOfMemoryWithItsMetadata() {
        assertThat(HibernationHeap.maxImagePages(1L << 30, 4096)).isEqualTo(131072 + 256 + 2);
        assertThat(HibernationHeap.maxImagePages(64L << 30, 4096)).isEqualTo(8388608 + 16384 + 2);
    }

    @Test
    void aSmallMachineFitsAndIsToldSo() {
        assertThat(HibernationHeap.check(EDEN, 1L << 30, 4096, 1, false, FIXED)).startsWith("heap: eden 19.9 MB")
                .contains("131330 pages").contains("1 thread(s)");
    }

    @Test
    void aMachineWhoseImageWouldNeedACollectionIsRefusedBeforeAnythingFreezes() {
        // 64 GiB with 2 threads: 8.4 M pages at 8 bytes, 67 MB of garbage against 20 MB of eden
        assertThatThrownBy(() -> HibernationHeap.check(EDEN, 64L << 30, 4096, 2, false, FIXED))
                .isInstanceOf(HibernationRefused.class)
                .hasMessageContaining("cannot carry storing the largest image")
                .hasMessageContaining("run the JVM with -Xms108m -Xmx108m -Xmn84m")
                .hasMessageContaining("fewer threads")
                .satisfies(e -> assertThat(((HibernationHeap.TooSmall) e).heapOptions())
                        .isEqualTo("-Xms108m -Xmx108m -Xmn84m"));
        // the same machine with one thread: 17 MB fits
        assertThat(HibernationHeap.check(EDEN, 64L << 30, 4096, 1, false, FIXED)).contains("65536 MB of memory");
    }

    @Test
    void anEncryptedImageCarriesTheCiphersGarbage() {
        // a 1 GiB guest, as the tests' guests: 131330 pages at 64 bytes, 8.4 MB with the fixed part
        assertThat(HibernationHeap.check(EDEN, 1L << 30, 4096, 1, true, FIXED)).endsWith(", encrypted");
        assertThatThrownBy(() -> HibernationHeap.check(EDEN, 8L << 30, 4096, 1, true, FIXED))
                .isInstanceOf(HibernationHeap.TooSmall.class).hasMessageNotContaining("fewer threads")
                .satisfies(e -> assertThat(((HibernationHeap.TooSmall) e).fewerThreadsHelp()).isFalse());
    }

    @Test
    void thisJvmSaysHowLargeItsEdenIs() {
        assertThat(HibernationHeap.edenBytes()).isPresent();
        assertThat(HibernationHeap.edenBytes().getAsLong()).isPositive();
    }
}
