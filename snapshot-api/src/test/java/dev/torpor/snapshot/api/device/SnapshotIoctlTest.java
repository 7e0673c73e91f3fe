package dev.torpor.snapshot.api.device;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Request numbers pinned to the values computed from the kernel's macros for each ABI. */
class SnapshotIoctlTest {

    @ParameterizedTest
    @CsvSource({
        "FREEZE, 0x00003301, 0x20003301, 0x00003301",
        "UNFREEZE, 0x00003302, 0x20003302, 0x00003302",
        "ATOMIC_RESTORE, 0x00003304, 0x20003304, 0x00003304",
        "FREE, 0x00003305, 0x20003305, 0x00003305",
        "FREE_SWAP_PAGES, 0x00003309, 0x20003309, 0x00003309",
        "S2RAM, 0x0000330B, 0x2000330B, 0x0000330B",
        "SET_SWAP_AREA, 0x400C330D, 0x800C330D, 0x800C330D",
        "GET_IMAGE_SIZE, 0x8008330E, 0x4008330E, 0x4008330E",
        "PLATFORM_SUPPORT, 0x0000330F, 0x2000330F, 0x0000330F",
        "POWER_OFF, 0x00003310, 0x20003310, 0x00003310",
        "CREATE_IMAGE, 0x40043311, 0x80043311, 0x80043311",
        "PREF_IMAGE_SIZE, 0x00003312, 0x20003312, 0x00003312",
        "AVAIL_SWAP_SIZE, 0x80083313, 0x40083313, 0x40083313",
        "ALLOC_SWAP_PAGE, 0x80083314, 0x40083314, 0x40083314"})
    void currentRequests(SnapshotIoctl ioctl, String generic, String powerpc, String parisc) {
        for (int word : new int[] {4, 8}) {
            assertThat(ioctl.request(IoctlAbi.GENERIC, word)).isEqualTo(Long.decode(generic));
            assertThat(ioctl.request(IoctlAbi.POWERPC, word)).isEqualTo(Long.decode(powerpc));
            assertThat(ioctl.request(IoctlAbi.PARISC, word)).isEqualTo(Long.decode(parisc));
        }
        assertThat(ioctl.deprecated()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "ATOMIC_SNAPSHOT, 0x40083303, 0x40043303",
        "SET_IMAGE_SIZE, 0x40083306, 0x40043306",
        "AVAIL_SWAP, 0x80083307, 0x80043307",
        "GET_SWAP_PAGE, 0x80083308, 0x80043308",
        "SET_SWAP_FILE, 0x4004330A, 0x4004330A",
        "PMOPS, 0x4004330C, 0x4004330C"})
    void deprecatedRequestsDependOnThePointerWidth(SnapshotIoctl ioctl, String bits64, String bits32) {
        assertThat(ioctl.request(IoctlAbi.GENERIC, 8)).isEqualTo(Long.decode(bits64));
        assertThat(ioctl.request(IoctlAbi.GENERIC, 4)).isEqualTo(Long.decode(bits32));
        assertThat(ioctl.deprecated()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"x86_64, GENERIC", "aarch64, GENERIC", "ppc64le, POWERPC", "mips, POWERPC", "sparc64, POWERPC",
        "alpha, POWERPC", "parisc, PARISC", "s390x, GENERIC", "riscv64, GENERIC"})
    void abiOfArchitecture(String arch, IoctlAbi abi) {
        assertThat(IoctlAbi.of(arch)).isEqualTo(abi);
        assertThat(SnapshotIoctl.ATOMIC_SNAPSHOT.request(IoctlAbi.POWERPC, 8)).isEqualTo(0x80083303L);
        assertThat(SnapshotDevice.encodeDev(254, 16)).isEqualTo(0xFE10);
        assertThat(SnapshotDevice.encodeDev(8, 300)).isEqualTo((300 & 0xff) | (8 << 8) | ((300 & ~0xff) << 12));
    }

    /**
     * Every request number decodes back to its request, on every ABI and word size, where the kernel knows it: the
     * 2.6.17 set only before 3.6, numbers 14-20 only from 2.6.25; other numbers (another type, a wrong size or
     * direction) name none.
     */
    @org.junit.jupiter.api.Test
    void everyRequestDecodesBackWhereTheKernelKnowsIt() {
        for (IoctlAbi abi : IoctlAbi.values()) {
            for (int word : new int[] {4, 8}) {
                for (SnapshotIoctl op : SnapshotIoctl.values()) {
                    long request = op.request(abi, word);
                    boolean legacy = op.deprecated();
                    boolean current = !op.deprecated() && op.nr() > 13;
                    assertThat(SnapshotIoctl.decode(request, abi, word, legacy, true)).as("%s %s %d", op, abi, word)
                            .contains(op);
                    assertThat(SnapshotIoctl.decode(request | 0xFFFF_FFFF_0000_0000L, abi, word, legacy, true))
                            .as("the upper half of a 64-bit request is not looked at").contains(op);
                    if (legacy) {
                        assertThat(SnapshotIoctl.decode(request, abi, word, false, true)).as("removed in 3.6").isEmpty();
                    }
                    if (current) {
                        assertThat(SnapshotIoctl.decode(request, abi, word, true, false)).as("before 2.6.25").isEmpty();
                    }
                    assertThat(SnapshotIoctl.decode(request ^ 0x100, abi, word, true, true)).as("another type")
                            .isEmpty();
                }
            }
        }
        assertThat(SnapshotIoctl.decode(SnapshotIoctl.ALLOC_SWAP_PAGE.request(IoctlAbi.GENERIC, 8), IoctlAbi.GENERIC, 4,
                false, true)).as("an 8-byte size field where the ABI's is 8 anyway").contains(SnapshotIoctl.ALLOC_SWAP_PAGE);
        assertThat(SnapshotIoctl.decode(SnapshotIoctl.ALLOC_SWAP_PAGE.request(IoctlAbi.GENERIC, 8) + (1L << 16),
                IoctlAbi.GENERIC, 8, true, true)).as("a wrong size").isEmpty();
    }
}
