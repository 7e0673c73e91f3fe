package dev.torpor.hibernation;

import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.snapshot.api.KernelByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An old S1SUSPEND signature on a swap area: reused when the area is active swap, refused when it is not. */
class ActiveAreaTest {
    @TempDir
    Path tmp;

    private Path staleArea() throws Exception {
        Path f = tmp.resolve("area.swap");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            SwapArea.format(PageStore.of(ch), 0, 4096, KernelByteOrder.LITTLE, 256, UUID.randomUUID(), "t");
            // what the kernel leaves: the swap magic saved, S1SUSPEND in its place
            ch.write(ByteBuffer.wrap("SWAPSPACE2".getBytes(StandardCharsets.US_ASCII)), 4096 - 10 - 10);
            ch.write(ByteBuffer.wrap("S1SUSPEND\0".getBytes(StandardCharsets.US_ASCII)), 4096 - 10);
        }
        return f;
    }

    @Test
    void anActiveAreaWithAStaleSignatureIsReusedAndSaysSo() throws Exception {
        Path f = staleArea();
        List<Step> steps = new ArrayList<>();
        HibernationListener listener = new HibernationListener() {
            @Override
            public void step(Step step) {
                steps.add(step);
            }
        };
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SwapArea a = ActiveArea.open(PageStore.of(ch), f, 0, 4096, KernelByteOrder.LITTLE,
                    List.of(new LinuxFacts.SwapArea(f.toString(), "partition", 1020, 100, -2)), listener);
            assertThat(a).isNotNull();
        }
        assertThat(steps).containsExactly(new Step.AreaReused(f, "S1SUSPEND"));
        try (SwapArea again = SwapArea.open(f)) { // a plain swap area again: no image signature left
            assertThat(again.header()).isNotNull();
        }
    }

    @Test
    void anAreaNotInUseKeepsItsImage() throws Exception {
        Path f = staleArea();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> ActiveArea.open(PageStore.of(ch), f, 0, 4096, KernelByteOrder.LITTLE, List.of(),
                    HibernationListener.NONE)).isInstanceOf(SwapArea.ImagePresentException.class)
                    .hasMessageContaining("already holds");
        }
    }
}
