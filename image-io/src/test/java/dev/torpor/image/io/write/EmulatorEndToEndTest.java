package dev.torpor.image.io.write;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.SnapshotStream;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;
import dev.torpor.snapshot.api.emulator.EmulatedMachine;
import dev.torpor.snapshot.api.emulator.EmulatedMemory;
import dev.torpor.snapshot.api.emulator.EmulatedSwap;
import dev.torpor.snapshot.api.emulator.KernelProfile;
import dev.torpor.snapshot.api.session.ResumeSession;
import dev.torpor.snapshot.api.session.SuspendSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hibernate an emulated machine through the session API, store the image in a swap file with Torpor's
 * writer (slots from ALLOC_SWAP_PAGE), power off, boot, read the image back with Torpor's reader, restore it
 * through a resume session: memory equals what was saved, and the hibernating process sees CREATE_IMAGE
 * return again with 0.
 */
class EmulatorEndToEndTest {
    private static final int P = 4096;
    private static final int DEV = SnapshotDevice.encodeDev(254, 16);
    private static final long AREA_PAGES = 8192;

    @TempDir
    Path tmp;

    static Stream<Arguments> kernels() {
        return Stream.of(
                Arguments.of(KernelProfile.linux(6, 1), Compressor.LZO),
                Arguments.of(KernelProfile.linux(6, 1), Compressor.NONE),
                Arguments.of(KernelProfile.linux(6, 12), Compressor.LZ4),
                Arguments.of(KernelProfile.linux(6, 12).withTrailingZeroDrain(), Compressor.LZO));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kernels")
    void hibernateWriteBootRestore(KernelProfile kernel, Compressor compressor) throws Exception {
        EmulatedMachine machine = machine(kernel);
        Path swapFile = Areas.fresh(tmp.resolve("swap"), AREA_PAGES);

        SuspendSession suspend = new SuspendSession(machine.open(SnapshotDevice.Mode.HIBERNATE), P);
        suspend.setSwapArea(0, DEV);
        suspend.prefImageSize(3000L * P);
        suspend.platformSupport(true);
        suspend.freeze();
        assertThat(suspend.createImage()).isEqualTo(SuspendSession.Outcome.CREATED);
        Map<Long, byte[]> saved = machine.memory().snapshotOfSavedPages();
        long imageBytes = suspend.imageSize();
        ImageWriter.Result written;
        try (FileChannel ch = FileChannel.open(swapFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SwapArea area = SwapArea.open(PageStore.of(ch), 0, P, kernel.target().byteOrder());
            written = ImageWriter.write(suspend::readPage, kernel.target(), area, () -> suspend.allocSwapPage() / P,
                    ImageWriter.Options.defaults().withCompressor(compressor));
        }
        assertThat(written.pages() * P).isEqualTo(imageBytes);
        suspend.powerOff();
        assertThat(machine.poweredOff()).isTrue();

        machine.boot();
        assertThat(machine.memory().snapshotOfSavedPages()).isEmpty();
        try (HibernationImage image = HibernationImage.open(swapFile, ReadOptions.defaults())) {
            Inspection inspection = image.inspect(false);
            assertThat(inspection.problems()).isEmpty();
            assertThat(inspection.verdict()).isEqualTo(Verdict.VALID);
            ResumeSession resume = new ResumeSession(machine.open(SnapshotDevice.Mode.RESTORE), P);
            SnapshotStream stream = image.stream();
            for (ByteBuffer page = stream.next(); page != null; page = stream.next()) {
                resume.writePage(page);
            }
            resume.finishWriting();
            resume.freeze();
            resume.atomicRestore();
        }
        assertThat(machine.memory().snapshotOfSavedPages()).hasSameSizeAs(saved);
        saved.forEach((pfn, data) -> assertThat(machine.memory().get(pfn)).as("PFN %d", pfn).isEqualTo(data));

        assertThat(machine.resumedProcess()).isPresent();
        assertThat(suspend.resumedFromCreateImage()).isEqualTo(SuspendSession.Outcome.RESUMED);
        suspend.free();
        suspend.unfreeze();
        suspend.close();
    }

    /** readPages, in runs of every length and mixed with readPage, reads the same stream as readPage alone. */
    @Test
    void readPagesReadsTheSameStreamAsReadPageInRunsOfAnyLength() throws Exception {
        java.io.ByteArrayOutputStream single = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream runs = new java.io.ByteArrayOutputStream();
        for (java.io.ByteArrayOutputStream out : java.util.List.of(single, runs)) {
            EmulatedMachine machine = machine(KernelProfile.linux(6, 1));
            try (SuspendSession s = new SuspendSession(machine.open(SnapshotDevice.Mode.HIBERNATE), P)) {
                s.freeze();
                s.createImage();
                int[] lengths = {1, 7, 45, 32, 3, 64, 100};
                byte[] buf = new byte[100 * P];
                for (int i = 0; ; i++) {
                    if (out == single || i % 3 == 2) {
                        ByteBuffer p = s.readPage();
                        if (p == null) {
                            break;
                        }
                        out.write(p.array(), p.arrayOffset() + p.position(), p.remaining());
                    } else {
                        int n = s.readPages(buf, P, Math.min(lengths[i % lengths.length], 99));
                        if (n == 0) {
                            assertThat(s.readPage()).isNull();
                            break;
                        }
                        out.write(buf, P, n * P);
                    }
                }
                assertThat(s.pagesRead()).isEqualTo(out.size() / P);
                assertThatThrownBy(() -> s.readPages(buf, P, 100)).isInstanceOf(IndexOutOfBoundsException.class);
                s.free();
                s.unfreeze();
            }
        }
        assertThat(runs.size()).isGreaterThan(100 * P);
        assertThat(runs.toByteArray()).isEqualTo(single.toByteArray());
    }

    @Test
    void withoutTheExtraWriteA66KernelRefusesTheRestoreWhenZeroPagesTrail() throws Exception {
        EmulatedMachine machine = machine(KernelProfile.linux(6, 12));
        java.util.List<ByteBuffer> stream = new java.util.ArrayList<>();
        try (SuspendSession s = new SuspendSession(machine.open(SnapshotDevice.Mode.HIBERNATE), P)) {
            s.freeze();
            s.createImage();
            for (ByteBuffer p = s.readPage(); p != null; p = s.readPage()) {
                stream.add(p);
            }
            s.free();
            s.unfreeze();
        }
        try (SnapshotDevice w = machine.open(SnapshotDevice.Mode.RESTORE)) {
            for (ByteBuffer p : stream) {
                while (p.hasRemaining()) {
                    w.write(p);
                }
            }
            w.freeze();
            assertThatThrownBy(w::atomicRestore).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(Errno.EPERM.value()));
        }
    }

    @Test
    void sessionsRefuseIllegalSequences() throws Exception {
        EmulatedMachine machine = machine(KernelProfile.linux(6, 1));
        try (SuspendSession s = new SuspendSession(machine.open(SnapshotDevice.Mode.HIBERNATE), P)) {
            assertThatThrownBy(s::createImage).isInstanceOf(IllegalStateException.class).hasMessageContaining("OPEN");
            assertThatThrownBy(s::readPage).isInstanceOf(IllegalStateException.class);
            s.freeze();
            assertThatThrownBy(s::freeze).isInstanceOf(IllegalStateException.class);
            s.createImage();
            assertThatThrownBy(s::unfreeze).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("IMAGE_CREATED");
            assertThatThrownBy(() -> s.prefImageSize(1)).isInstanceOf(IllegalStateException.class);
        }
        try (ResumeSession r = new ResumeSession(machine.open(SnapshotDevice.Mode.RESTORE), P)) {
            assertThatThrownBy(r::freeze).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(r::atomicRestore).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> r.writePage(ByteBuffer.allocate(100))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static EmulatedMachine machine(KernelProfile kernel) {
        EmulatedMemory memory = new EmulatedMemory(P, 16384).fillSynthetic(2026, 2500, 1500);
        memory.put(16383, new byte[0], EmulatedMemory.State.USED); // a zero page at the very end of memory
        return new EmulatedMachine(kernel, memory).addSwap(new EmulatedSwap(DEV, 0, AREA_PAGES - 1, Set.of()));
    }
}
