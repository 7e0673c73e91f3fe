package dev.torpor.tools;

import dev.torpor.platform.linux.LinuxFacts;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Where {@code hibernate} and {@code resume} find the swap area and the snapshot device: one set of options. */
final class SwapAreaOptions {
    @Option(names = "--device", paramLabel = "DEV",
            description = "Swap device (or the device of the file system holding a swap file). Default: "
                    + "/sys/power/resume, then resume= of the kernel command line, then the first active swap "
                    + "partition in /proc/swaps.")
    Path device;

    @Option(names = "--resume-offset", paramLabel = "N",
            description = "Device page of the swap header (a swap file; see torpor swap-offset). Default: "
                    + "/sys/power/resume_offset, then resume_offset= of the kernel command line, then 0.")
    Long resumeOffset;

    @Option(names = "--snapshot-device", paramLabel = "PATH", defaultValue = "/dev/snapshot", hidden = true,
            description = "The snapshot device node (for tests).")
    Path snapshotDevice;

    /** The swap device, given or found as the description says. */
    Path device(LinuxFacts facts) throws IOException {
        return RunningSystem.device(device, facts);
    }

    /** The resume offset, given or found as the description says. */
    long resumeOffset(LinuxFacts facts) throws IOException {
        return RunningSystem.resumeOffset(resumeOffset, facts);
    }
}
