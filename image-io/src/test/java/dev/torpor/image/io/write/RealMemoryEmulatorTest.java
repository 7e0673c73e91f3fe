package dev.torpor.image.io.write;

import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.PhysicalPage;
import dev.torpor.image.io.read.PhysicalPages;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.export.ExportFormat;
import dev.torpor.image.io.export.MemoryExport;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.emulator.EmulatedMachine;
import dev.torpor.snapshot.api.emulator.EmulatedMemory;
import dev.torpor.snapshot.api.emulator.KernelProfile;
import dev.torpor.snapshot.api.session.SuspendSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emulator's memory filled with the real memory of a kernel image (extracted raw): the image the emulated
 * 6.12 kernel makes from it carries the same PFNs, zero pages and page contents as the one the real kernel made.
 */
class RealMemoryEmulatorTest {
    private static final int P = 4096;

    @TempDir
    Path tmp;

    @Test
    void anEmulated612KernelSavesTheSamePagesAsTheRealOne() throws Exception {
        Path raw = tmp.resolve("k612.raw");
        Set<Long> zeroPfns = new HashSet<>();
        MessageDigest real = MessageDigest.getInstance("SHA-256");
        long realData = 0;
        try (HibernationImage image = HibernationImage.open(Corpus.swap("k612-lzo"), ReadOptions.defaults())) {
            MemoryExport.export(image, ExportFormat.RAW, raw, false);
            try (PhysicalPages pages = image.pages()) {
                for (PhysicalPage p = pages.next(); p != null; p = pages.next()) {
                    if (p.zero()) {
                        zeroPfns.add(p.pfn());
                    } else {
                        real.update(ByteBuffer.allocate(8).putLong(0, p.pfn()));
                        real.update(p.data());
                        realData++;
                    }
                }
            }
        }
        long present = 65536; // the guest's 256 MiB
        EmulatedMemory memory = EmulatedMemory.fromRawDump(raw, P, present, zeroPfns);
        EmulatedMachine machine = new EmulatedMachine(KernelProfile.linux(6, 12), memory);
        Path area = Areas.fresh(tmp.resolve("area.swap"), 24576);
        try (SuspendSession s = new SuspendSession(machine.open(SnapshotDevice.Mode.HIBERNATE), P)) {
            s.freeze();
            s.createImage();
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(area,
                    java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                SwapArea swap = SwapArea.open(PageStore.of(ch), 0, P, KernelProfile.linux(6, 12).target().byteOrder());
                ImageWriter.write(s::readPage, KernelProfile.linux(6, 12).target(), swap, FreeSlots.emptyOnly(swap),
                        ImageWriter.Options.defaults());
            }
        }
        MessageDigest emulated = MessageDigest.getInstance("SHA-256");
        long emulatedData = 0;
        Set<Long> emulatedZero = new HashSet<>();
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults());
             PhysicalPages pages = image.pages()) {
            assertThat(image.inspect(false).problems()).isEmpty();
            for (PhysicalPage p = pages.next(); p != null; p = pages.next()) {
                if (p.zero()) {
                    emulatedZero.add(p.pfn());
                } else {
                    emulated.update(ByteBuffer.allocate(8).putLong(0, p.pfn()));
                    emulated.update(p.data());
                    emulatedData++;
                }
            }
        }
        assertThat(emulatedData).isEqualTo(realData).isEqualTo(14559);
        assertThat(emulatedZero).isEqualTo(zeroPfns).hasSize(2808);
        assertThat(emulated.digest()).isEqualTo(real.digest());
    }
}
