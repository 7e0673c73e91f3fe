package dev.torpor.tools;

import dev.torpor.platform.linux.LinuxFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How hibernate and resume find the swap device and offset on a system that configured none. */
class RunningSystemTest {
    @TempDir
    Path root;

    private LinuxFacts facts(String swaps, String cmdline) throws Exception {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/swaps"), "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n" + swaps);
        Files.writeString(root.resolve("proc/cmdline"), cmdline + "\n");
        return new LinuxFacts(root);
    }

    private static Settings.Value unset() {
        return Settings.resolve(ConfigFile.none(), Map.of()).value(Setting.DEVICE);
    }

    @Test
    void zramSwapOfHigherPriorityIsNeverChosen() throws Exception {
        LinuxFacts f = facts("/dev/zram0 partition 1048572 0 100\n/dev/vda1 partition 1048572 0 -2\n", "quiet");
        RunningSystem.Found<Path> d = RunningSystem.device(unset(), f);
        assertThat(d.value()).isEqualTo(Path.of("/dev/vda1"));
        assertThat(d.source()).contains("/proc/swaps");
    }

    @Test
    void onlyZramOrSwapFilesMeansNoDeviceWithAClearMessage() throws Exception {
        LinuxFacts f = facts("/dev/zram0 partition 1048572 0 100\n/swapfile file 1048572 0 -2\n", "quiet");
        assertThatThrownBy(() -> RunningSystem.device(unset(), f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no swap device").hasMessageContaining("device = in the config file");
    }

    @Test
    void resumeOnTheCommandLineMayNameAUuid() throws Exception {
        LinuxFacts f = facts("", "root=/dev/vda2 resume=UUID=0d5c1a3e-2f resume_offset=34816");
        RunningSystem.Found<Path> d = RunningSystem.device(unset(), f);
        assertThat(d.value()).isEqualTo(Path.of("/dev/disk/by-uuid/0d5c1a3e-2f"));
        assertThat(d.source()).isEqualTo("resume= of the kernel command line");
        RunningSystem.Found<Long> o = RunningSystem.resumeOffset(
                Settings.resolve(ConfigFile.none(), Map.of()).value(Setting.RESUME_OFFSET), f);
        assertThat(o).isEqualTo(new RunningSystem.Found<>(34816L, "resume_offset= of the kernel command line"));
    }

    @Test
    void aConfiguredDeviceWinsAndKeepsItsSource() throws Exception {
        LinuxFacts f = facts("/dev/vda1 partition 1048572 0 -2\n", "resume=/dev/vda1");
        Settings s = Settings.resolve(ConfigFile.parse(Path.of("/etc/torpor/torpor.conf"), "device = LABEL=swap\n"),
                Map.of());
        assertThat(RunningSystem.device(s.value(Setting.DEVICE), f))
                .isEqualTo(new RunningSystem.Found<>(Path.of("/dev/disk/by-label/swap"), "/etc/torpor/torpor.conf:1"));
    }
}
