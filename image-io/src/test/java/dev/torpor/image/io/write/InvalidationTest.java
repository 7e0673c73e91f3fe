package dev.torpor.image.io.write;

import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvalidationTest {

    @TempDir
    Path tmp;

    @Test
    void aKernelImageBecomesAPlainSwapAreaAgain() throws Exception {
        Path area = tmp.resolve("k61.swap");
        assertThat(new ProcessBuilder("cp", "--sparse=always", Corpus.swap("k61-lzo").toString(), area.toString())
                .start().waitFor()).isZero();
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Invalidation.Result r = Invalidation.invalidate(PageStore.of(ch), 0);
            assertThat(r.outcome()).isEqualTo(Invalidation.Outcome.INVALIDATED);
            assertThat(r.signature()).isEqualTo("S1SUSPEND");
            assertThat(r.restored()).isEqualTo("SWAPSPACE2");
            assertThat(Invalidation.invalidate(PageStore.of(ch), 0).outcome())
                    .isEqualTo(Invalidation.Outcome.ALREADY_PLAIN);
        }
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertThat(image.inspect(true).verdict()).isEqualTo(Verdict.NO_IMAGE);
            assertThat(image.swapHeader().orElseThrow().lastPage()).isEqualTo(98303);
        }
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SwapArea.open(PageStore.of(ch), 0, 4096, dev.torpor.snapshot.api.KernelByteOrder.LITTLE);
        }
    }

    @Test
    void nothingToInvalidateIsAnError() throws Exception {
        Path zeros = Files.write(tmp.resolve("zeros"), new byte[8192]);
        try (FileChannel ch = FileChannel.open(zeros, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> Invalidation.invalidate(PageStore.of(ch), 0))
                    .hasMessageContaining("nothing to invalidate");
        }
    }

    @Test
    void slotsSkipBadPagesAndRunOut() throws Exception {
        Path area = Areas.fresh(tmp.resolve("small.swap"), 16);
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(12).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.putInt(0, 2).putInt(4, 3).putInt(8, 5); // two bad pages: 3 and 5
            ch.write(java.nio.ByteBuffer.wrap(b.array(), 0, 4), 1032);
            ch.write(java.nio.ByteBuffer.wrap(b.array(), 4, 8), 1536);
            SwapArea swap = SwapArea.open(PageStore.of(ch), 0, 4096, dev.torpor.snapshot.api.KernelByteOrder.LITTLE);
            FreeSlots slots = FreeSlots.emptyOnly(swap);
            java.util.List<Long> got = new java.util.ArrayList<>();
            for (int i = 0; i < 13; i++) {
                got.add(slots.allocate());
            }
            assertThat(got).containsExactly(1L, 2L, 4L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
            assertThatThrownBy(slots::allocate).isInstanceOf(SlotAllocator.NoSpaceException.class)
                    .hasMessageContaining("ENOSPC");
        }
    }
}
