package dev.torpor.platform.linux;

import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The /sys and /proc parsers on fixture trees in the formats the kernel writes. */
class LinuxFactsTest {

    private static LinuxFacts fixture(String name) throws URISyntaxException {
        return new LinuxFacts(Path.of(LinuxFactsTest.class.getResource("/fixtures/" + name).toURI()));
    }

    @Test
    void aDebianGuestThatCanHibernate() throws Exception {
        LinuxFacts f = fixture("debian-6.1");
        assertThat(f.powerStates()).containsExactly("freeze", "mem", "disk");
        LinuxFacts.Choice disk = f.hibernationMode().orElseThrow();
        assertThat(disk.available()).containsExactly("platform", "shutdown", "reboot", "suspend", "test_resume");
        assertThat(disk.selected()).contains("platform");
        assertThat(f.imageSize()).hasValue(107151360);
        assertThat(f.reservedSize()).hasValue(1048576);
        assertThat(f.resumeDevice()).contains(new LinuxFacts.DeviceNumber(254, 16));
        assertThat(f.resumeOffset()).hasValue(0);
        assertThat(f.snapshotDevice()).contains(new LinuxFacts.DeviceNumber(10, 231));
        List<LinuxFacts.SwapArea> swaps = f.swaps();
        assertThat(swaps).hasSize(2);
        assertThat(swaps.get(0)).isEqualTo(new LinuxFacts.SwapArea("/dev/vdb", "partition", 393212, 0, -2));
        assertThat(swaps.get(1).filename()).isEqualTo("/var/swap file");
        assertThat(swaps.get(1).freeKib()).isEqualTo(1048572 - 5120);
        assertThat(f.memInfo()).containsEntry("MemTotal", 245616L).containsEntry("HugePages_Total", 0L);
        LinuxFacts.CommandLine cl = f.commandLine();
        assertThat(cl.resume()).contains("/dev/vdb");
        assertThat(cl.resumeOffset()).hasValue(34816);
        assertThat(cl.hibernateOptions()).containsExactly("nocompress");
        assertThat(cl.noHibernate()).isFalse();
        assertThat(cl.noResume()).as("'noresume' after '--' belongs to init").isFalse();
        assertThat(f.lockdown()).contains("none");
        assertThat(LinuxFacts.lockdownForbidsHibernation("none")).isFalse();
    }

    @Test
    void aLockedDownSystemWithNohibernate() throws Exception {
        LinuxFacts f = fixture("locked");
        assertThat(f.lockdown()).contains("integrity");
        assertThat(LinuxFacts.lockdownForbidsHibernation("integrity")).isTrue();
        assertThat(f.commandLine().noHibernate()).isTrue();
        assertThat(f.hibernationMode()).isEmpty();
        assertThat(f.powerStates()).isEmpty();
        assertThat(f.swaps()).isEmpty();
        assertThat(f.resumeDevice()).isEmpty();
    }

    @Test
    void commandLineWords() {
        assertThat(LinuxFacts.parseCommandLine("hibernate=no quiet").noResume()).isTrue();
        assertThat(LinuxFacts.parseCommandLine("hibernate=no").noHibernate()).isTrue();
        assertThat(LinuxFacts.parseCommandLine("resume=UUID=0a-1b resume_offset=7").resume()).contains("UUID=0a-1b");
        assertThat(LinuxFacts.kernelArgs("a=\"b c\" d")).containsExactly("a=b c", "d");
        assertThatThrownBy(() -> LinuxFacts.DeviceNumber.parse("254")).isInstanceOf(IllegalArgumentException.class);
        assertThat(LinuxFacts.DeviceNumber.parse("0:0").none()).isTrue();
        assertThat(LinuxFacts.unescape("/a\\040b\\134c")).isEqualTo("/a b\\c");
    }

    /** The fixture is this build machine's /proc/zoneinfo (5 zones); awk over it gives 6291358 present pages. */
    @org.junit.jupiter.api.Test
    void physicalPagesAreTheSumOfTheZonesPresentPages() throws Exception {
        org.assertj.core.api.Assertions.assertThat(fixture("debian-6.1").physPages())
                .isEqualTo(java.util.OptionalLong.of(6291358));
        org.assertj.core.api.Assertions.assertThat(fixture("locked").physPages()).isEmpty();
        org.assertj.core.api.Assertions.assertThat(LinuxFacts.parsePresentPages("Node 0, zone DMA\n  pages free 1\n"))
                .isEmpty();
    }

    @org.junit.jupiter.api.Test
    void kernelPageSizeAndDeviceNumbersComeFromTheRunningSystem() throws Exception {
        org.assertj.core.api.Assertions.assertThat(LinuxFacts.parseKernelPageSize(
                "55d0-55d1 r--p 00000000 fe:00 1 /bin/x\nSize: 4 kB\nKernelPageSize:       64 kB\n")).hasValue(65536);
        org.assertj.core.api.Assertions.assertThat(LinuxFacts.system().kernelPageSize()).isPresent();
        org.assertj.core.api.Assertions.assertThat(FileDevices.numberOf(Path.of("/dev/null")))
                .isEqualTo(new LinuxFacts.DeviceNumber(1, 3));
        org.assertj.core.api.Assertions.assertThat(FileDevices.numberOf(Path.of("/dev/zero")))
                .isEqualTo(new LinuxFacts.DeviceNumber(1, 5));
    }
}
