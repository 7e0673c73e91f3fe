package dev.torpor.snapshot.api.emulator;

import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.IoctlAbi;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.SnapshotIoctl;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

import static dev.torpor.snapshot.api.emulator.EmulatorConformanceTest.fails;
import static org.assertj.core.api.Assertions.assertThat;

/** Raw request numbers, as a program passes them to ioctl(2): the kernel's prologue and its whole-value dispatch. */
class RawIoctlTest {
    private static final int P = 4096;
    private static final int DEV = SnapshotDevice.encodeDev(254, 16);

    private static EmulatedMachine machine(KernelProfile k) {
        return new EmulatedMachine(k, new EmulatedMemory(P, 1024).fillSynthetic(3, 100, 10))
                .addSwap(new EmulatedSwap(DEV, 0, 500, Set.of()));
    }

    private static long req(SnapshotIoctl op) {
        return op.request(IoctlAbi.GENERIC, 8);
    }

    @Test
    void everyRequestByNumber() throws Exception {
        EmulatedMachine m = machine(KernelProfile.linux(6, 1));
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            ByteBuffer area = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0).putInt(8, DEV);
            d.ioctl(req(SnapshotIoctl.SET_SWAP_AREA), 0, area);
            d.ioctl(req(SnapshotIoctl.PREF_IMAGE_SIZE), 1 << 20, null);
            d.ioctl(req(SnapshotIoctl.FREEZE), 0, null);
            d.ioctl(req(SnapshotIoctl.PLATFORM_SUPPORT), 1, null);
            ByteBuffer out = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            d.ioctl(req(SnapshotIoctl.CREATE_IMAGE), 0, out);
            assertThat(out.getInt(0)).isEqualTo(1);
            d.ioctl(req(SnapshotIoctl.GET_IMAGE_SIZE), 0, out);
            assertThat(out.getLong(0)).isEqualTo(d.imageSize());
            d.ioctl(req(SnapshotIoctl.AVAIL_SWAP_SIZE), 0, out);
            assertThat(out.getLong(0)).isEqualTo(500L * P);
            d.ioctl(req(SnapshotIoctl.ALLOC_SWAP_PAGE), 0, out);
            assertThat(out.getLong(0)).isEqualTo(P);
            d.ioctl(req(SnapshotIoctl.FREE_SWAP_PAGES), 0, null);
            d.ioctl(req(SnapshotIoctl.FREE), 0, null);
            d.ioctl(req(SnapshotIoctl.UNFREEZE), 0, null);
            assertThat(d.frozen()).isFalse();
        }
    }

    @Test
    void theKernelsPrologueAndDefaultCase() throws Exception {
        EmulatedMachine m = machine(KernelProfile.linux(6, 1));
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            fails(Errno.ENOTTY, () -> d.ioctl(0x5401, 0, null)); // TCGETS: another type
            fails(Errno.ENOTTY, () -> d.ioctl(0x3315, 0, null)); // nr 21 > SNAPSHOT_IOC_MAXNR
            fails(Errno.ENOTTY, () -> d.ioctl(req(SnapshotIoctl.ATOMIC_SNAPSHOT), 0, ByteBuffer.allocate(8))); // gone
            fails(Errno.ENOTTY, () -> d.ioctl(0x40083311L, 0, ByteBuffer.allocate(8))); // CREATE_IMAGE, wrong size
            fails(Errno.ENOTTY, () -> d.ioctl(SnapshotIoctl.FREEZE.request(IoctlAbi.POWERPC, 8), 0, null)); // other ABI
        }
        m.capSysAdmin(false);
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            fails(Errno.ENOTTY, () -> d.ioctl(0x5401, 0, null)); // the type check comes first
            fails(Errno.EPERM, () -> d.ioctl(req(SnapshotIoctl.FREEZE), 0, null));
        }
    }

    @Test
    void a30KernelTakesTheOldNumbersAndA2617KernelOnlyThose() throws Exception {
        try (EmulatedSnapshotDevice d = machine(KernelProfile.linux(3, 0)).open(SnapshotDevice.Mode.HIBERNATE)) {
            d.ioctl(req(SnapshotIoctl.FREEZE), 0, null);
            ByteBuffer out = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            d.ioctl(req(SnapshotIoctl.ATOMIC_SNAPSHOT), 0, out);
            assertThat(out.getInt(0)).isEqualTo(1);
        }
        try (EmulatedSnapshotDevice d = machine(KernelProfile.linux(2, 6, 17)).open(SnapshotDevice.Mode.HIBERNATE)) {
            fails(Errno.ENOTTY, () -> d.ioctl(req(SnapshotIoctl.CREATE_IMAGE), 0, ByteBuffer.allocate(8)));
            d.ioctl(req(SnapshotIoctl.FREEZE), 0, null);
            ByteBuffer out = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            d.ioctl(req(SnapshotIoctl.ATOMIC_SNAPSHOT), 0, out);
            assertThat(out.getInt(0)).isEqualTo(1);
        }
    }
}
