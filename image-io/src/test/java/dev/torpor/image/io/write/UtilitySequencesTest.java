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
import dev.torpor.swap.format.HeaderLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The call sequences of real userspace hibernation tools, run against the emulator with the raw device
 * operations, each ending in a restored machine: the 2006 suspend/resume utility of the 2.6.17 interface
 * (old request numbers, byte-count reads in odd chunks, virtual-address metadata) and uswsusp's
 * {@code s2disk}/{@code resume} on a current kernel.
 */
class UtilitySequencesTest {
    private static final int P = 4096;
    private static final int DEV = SnapshotDevice.encodeDev(3, 2); // /dev/hda2: old and new encodings agree
    private static final int OLD_DEV = (3 << 8) | 2;

    @TempDir
    Path tmp;

    @Test
    void the2006UtilityOnA2617Kernel() throws Exception {
        KernelProfile k = KernelProfile.linux(2, 6, 17);
        EmulatedMachine machine = machine(k);
        Path swapFile = Areas.fresh(tmp.resolve("hda2"), 4096);

        // suspend: open, SET_SWAP_FILE, SET_IMAGE_SIZE, FREEZE, ATOMIC_SNAPSHOT
        SnapshotDevice dev = machine.open(SnapshotDevice.Mode.HIBERNATE);
        dev.setSwapFile(OLD_DEV);
        dev.setImageSize(500L * 1024 * 1024);
        dev.freeze();
        assertThat(dev.atomicSnapshot()).isEqualTo(1);
        Map<Long, byte[]> saved = machine.memory().snapshotOfSavedPages();
        assertThat(dev.availSwap()).isEqualTo(4095L * P);
        assertThatThrownBy(dev::createImage).isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).is(Errno.ENOTTY)).isTrue());
        // the utility reads with a buffer that is not a page: byte-count reads (2.6.17 to 2.6.35)
        java.io.ByteArrayOutputStream image = new java.io.ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(1000);
        for (int n = dev.read(chunk); n > 0; n = dev.read(chunk.clear())) {
            image.write(chunk.array(), 0, n);
        }
        byte[] stream = image.toByteArray();
        assertThat(stream.length % P).isZero();
        int[] next = {0};
        try (FileChannel ch = FileChannel.open(swapFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SwapArea area = SwapArea.open(PageStore.of(ch), 0, P, k.target().byteOrder());
            ImageWriter.write(() -> next[0] * P >= stream.length ? null : ByteBuffer.wrap(stream, P * next[0]++, P),
                    k.target(), area, () -> dev.getSwapPage() / P, ImageWriter.Options.defaults()
                            .withCompressor(Compressor.NONE).withLayout(HeaderLayout.V2_6_17, 8));
        }
        dev.pmops(SnapshotDevice.PMOPS_PREPARE);
        dev.pmops(SnapshotDevice.PMOPS_ENTER);
        assertThat(machine.poweredOff()).isTrue();

        // resume: boot, open O_WRONLY, write in odd chunks, FREEZE, ATOMIC_RESTORE
        machine.boot();
        try (HibernationImage img = HibernationImage.open(swapFile, ReadOptions.defaults())) {
            Inspection i = img.inspect(false);
            assertThat(i.problems()).isEmpty();
            assertThat(i.verdict()).isEqualTo(Verdict.VALID);
            assertThat(i.header().orElseThrow().layout()).isEqualTo(HeaderLayout.V2_6_17);
            SnapshotDevice w = machine.open(SnapshotDevice.Mode.RESTORE);
            SnapshotStream s = img.stream();
            java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
            for (ByteBuffer p = s.next(); p != null; p = s.next()) {
                byte[] b = new byte[P];
                p.get(b);
                back.write(b);
            }
            ByteBuffer all = ByteBuffer.wrap(back.toByteArray());
            while (all.hasRemaining()) {
                ByteBuffer piece = all.slice();
                piece.limit(Math.min(piece.remaining(), 3000));
                int n = w.write(piece);
                assertThat(n).isPositive();
                all.position(all.position() + n);
            }
            assertThat(w.write(ByteBuffer.allocate(P))).isZero();
            w.freeze();
            w.atomicRestore();
        }
        assertThat(machine.memory().snapshotOfSavedPages()).hasSameSizeAs(saved);
        saved.forEach((pfn, data) -> assertThat(machine.memory().get(pfn)).isEqualTo(data));
        SnapshotDevice resumed = machine.resumedProcess().orElseThrow();
        assertThat(resumed.atomicSnapshot()).isZero();
        resumed.free();
        resumed.unfreeze();
        resumed.close();
    }

    @Test
    void uswsuspOnA510Kernel() throws Exception {
        KernelProfile k = KernelProfile.linux(5, 10);
        EmulatedMachine machine = machine(k);
        Path swapFile = Areas.fresh(tmp.resolve("sda2"), 4096);
        // s2disk: open(O_RDONLY), SET_SWAP_AREA, FREEZE, PLATFORM_SUPPORT, PREF_IMAGE_SIZE, CREATE_IMAGE
        SnapshotDevice dev = machine.open(SnapshotDevice.Mode.HIBERNATE);
        dev.setSwapArea(0, DEV);
        dev.freeze();
        dev.platformSupport(true);
        dev.prefImageSize(2500L * P);
        assertThat(dev.createImage()).isEqualTo(1);
        Map<Long, byte[]> saved = machine.memory().snapshotOfSavedPages();
        long size = dev.imageSize();
        assertThat(dev.availSwapSize()).isGreaterThan(size);
        try (FileChannel ch = FileChannel.open(swapFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SwapArea area = SwapArea.open(PageStore.of(ch), 0, P, k.target().byteOrder());
            ImageWriter.write(() -> {
                ByteBuffer page = ByteBuffer.allocate(P);
                while (page.hasRemaining()) {
                    if (dev.read(page) == 0) {
                        return null;
                    }
                }
                return page.flip();
            }, k.target(), area, () -> dev.allocSwapPage() / P, ImageWriter.Options.defaults());
        }
        dev.powerOff();
        assertThat(machine.poweredOff()).isTrue();

        // resume: open(O_WRONLY), write the whole stream page-aligned, the extra write, FREEZE, ATOMIC_RESTORE
        machine.boot();
        try (HibernationImage img = HibernationImage.open(swapFile, ReadOptions.defaults());
             SnapshotDevice w = machine.open(SnapshotDevice.Mode.RESTORE)) {
            assertThat(img.info().orElseThrow().pages() * P).isEqualTo(size);
            SnapshotStream s = img.stream();
            for (ByteBuffer p = s.next(); p != null; p = s.next()) {
                assertThat(w.write(p)).isEqualTo(P);
            }
            assertThat(w.write(ByteBuffer.allocate(P))).isZero();
            w.freeze();
            w.atomicRestore();
        }
        saved.forEach((pfn, data) -> assertThat(machine.memory().get(pfn)).isEqualTo(data));
        SnapshotDevice resumed = machine.resumedProcess().orElseThrow();
        assertThat(resumed.createImage()).isZero();
        resumed.free();
        resumed.unfreeze();
        resumed.close();
    }

    @Test
    void currentKernelsRefuseTheOldRequestsAnd3xKernelsTakeBoth() throws Exception {
        try (SnapshotDevice d = machine(KernelProfile.linux(6, 1)).open(SnapshotDevice.Mode.HIBERNATE)) {
            assertThatThrownBy(d::atomicSnapshot).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).is(Errno.ENOTTY)).isTrue());
            assertThatThrownBy(() -> d.pmops(1)).isInstanceOf(ErrnoException.class);
        }
        try (SnapshotDevice d = machine(KernelProfile.linux(3, 0)).open(SnapshotDevice.Mode.HIBERNATE)) {
            d.setSwapFile(OLD_DEV);
            d.freeze();
            assertThat(d.atomicSnapshot()).isEqualTo(1);
            assertThat(d.imageSize()).isPositive();
            assertThatThrownBy(() -> d.pmops(7)).isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).is(Errno.EINVAL)).isTrue());
            assertThatThrownBy(() -> d.setSwapFile(0)).isInstanceOf(ErrnoException.class);
        }
    }

    private static EmulatedMachine machine(KernelProfile k) {
        EmulatedMemory m = new EmulatedMemory(P, 8192).fillSynthetic(17, 2000, 600);
        return new EmulatedMachine(k, m).addSwap(new EmulatedSwap(DEV, 0, 4095, Set.of()));
    }
}
