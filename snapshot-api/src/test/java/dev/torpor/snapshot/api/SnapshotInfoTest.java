package dev.torpor.snapshot.api;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotInfoTest {

    /** The generic 64-bit header page of the reference's worked example (bytes 0x180–0x1b7), utsname added. */
    @Test
    void parsesTheGeneric64BitLayout() {
        ByteBuffer page = ByteBuffer.allocate(4096);
        page.put(0, "Linux".getBytes());
        page.put(130, "6.6.0".getBytes());
        page.put(260, "ppc64le".getBytes());
        page.put(0x180, HexFormat.ofDelimiter(" ").parseHex(
                "00 00 00 00 00 00 00 00 00 06 06 00 00 00 00 00"
                        + " 00 00 20 00 00 00 00 00 00 00 00 00 00 00 00 00"
                        + " a0 86 01 00 00 00 00 00 65 87 01 00 00 00 00 00"
                        + " 00 50 76 18 00 00 00 00"));
        TargetProfile t = new TargetProfile(4096, 8, KernelByteOrder.LITTLE, "unknown");
        SnapshotInfo i = SnapshotInfo.parse(page, t);
        assertThat(i.versionCode()).isEqualTo(KernelVersion.code(6, 6, 0));
        assertThat(i.kernelVersion()).contains("6.6.0");
        assertThat(i.numPhysPages()).isEqualTo(2097152);
        assertThat(i.imagePages()).isEqualTo(100000);
        assertThat(i.pages()).isEqualTo(100197);
        assertThat(i.size()).isEqualTo(410406912);
        assertThat(i.metaPages()).isEqualTo(196);
        assertThat(i.uts()).isPresent();
        assertThat(i.uts().get().release()).isEqualTo("6.6.0");
        assertThat(i.arch()).isEqualTo("ppc64le");
        assertThat(i.archRecord()).isInstanceOf(ArchRecord.None.class);
        assertThat(SnapshotInfo.plausible(page, t)).isTrue();
        assertThat(SnapshotInfo.plausible(page, new TargetProfile(4096, 4, KernelByteOrder.LITTLE, "x"))).isFalse();
        assertThat(SnapshotInfo.plausible(page, new TargetProfile(4096, 8, KernelByteOrder.BIG, "x"))).isFalse();
    }

    @Test
    void parsesThe32BitLayoutBigEndian() {
        ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.BIG_ENDIAN);
        page.put(0, "Linux".getBytes());
        page.put(260, "mips".getBytes());
        page.putInt(392, (int) KernelVersion.code(4, 19, 0));
        page.putInt(396, 65536).putInt(400, 4).putInt(404, 1000).putInt(408, 1003).putInt(412, 1003 * 4096);
        TargetProfile t = new TargetProfile(4096, 4, KernelByteOrder.BIG, "unknown");
        SnapshotInfo i = SnapshotInfo.parse(page, t);
        assertThat(i.numPhysPages()).isEqualTo(65536);
        assertThat(i.cpus()).isEqualTo(4);
        assertThat(i.imagePages()).isEqualTo(1000);
        assertThat(i.pages()).isEqualTo(1003);
        assertThat(i.metaPages()).isEqualTo(2);
        assertThat(i.arch()).isEqualTo("mips");
        assertThat(SnapshotInfo.plausible(page, t)).isTrue();
    }

    @Test
    void recognisesX86RestoreRecords() {
        ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        page.putLong(24, 0x23456789ABCDEF02L).putLong(32, 0xBA57D9D2L).putLong(424, 3).putLong(432, 3 * 4096);
        SnapshotInfo i = SnapshotInfo.parse(page, TargetProfile.X86_64);
        assertThat(i.archRecord()).isInstanceOf(X86RestoreRecord.class);
        X86RestoreRecord r = (X86RestoreRecord) i.archRecord();
        assertThat(r.variant()).isEqualTo(X86RestoreRecord.Variant.X86_64_CRC32);
        assertThat(r.e820Checksum()).contains(0xBA57D9D2L);
        assertThat(i.arch()).isEqualTo("x86_64");

        ByteBuffer i386 = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        i386.putInt(12, 0x12345679);
        TargetProfile t32 = new TargetProfile(4096, 4, KernelByteOrder.LITTLE, "unknown");
        assertThat(SnapshotInfo.parse(i386, t32).arch()).isEqualTo("i386");
        assertThat(X86RestoreRecord.find(i386, TargetProfile.X86_64)).isEmpty();
    }

    @Test
    void tellsArm64FromRiscvByTheirRegisters() {
        ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        page.put(0, "#1 SMP Debian 6.12".getBytes());
        page.putLong(80, 0x8000000000081234L); // satp in Sv39 mode
        assertThat(SnapshotInfo.parse(page, TargetProfile.X86_64.withArch("unknown")).arch()).isEqualTo("riscv64");
        page.putLong(80, 0xffff800080b7c000L); // a kernel address: arm64's re-entry point
        assertThat(SnapshotInfo.parse(page, TargetProfile.X86_64.withArch("unknown")).arch()).isEqualTo("arm64");
    }

    @Test
    void profilesRejectImpossibleKernels() {
        assertThatThrownBy(() -> new TargetProfile(3000, 8, KernelByteOrder.LITTLE, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TargetProfile(4096, 2, KernelByteOrder.LITTLE, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(KernelByteOrder.parse("BE")).isEqualTo(KernelByteOrder.BIG);
        assertThatThrownBy(() -> KernelByteOrder.parse("middle")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Utsname.archOfMachine("i686")).isEqualTo("i386");
        assertThat(Utsname.archOfMachine("aarch64")).isEqualTo("arm64");
    }
}
