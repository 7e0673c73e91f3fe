package dev.torpor.tools;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** Where {@code hibernate} and {@code resume} find the swap area and the snapshot device: one set of options. */
final class SwapAreaOptions {
    @Option(names = "--device", paramLabel = "DEV",
            description = "Swap device (or the device of the file system holding a swap file; UUID=, LABEL= and "
                    + "the like as in fstab). Default: device = of the config file, then /sys/power/resume, then "
                    + "resume= of the kernel command line, then the active disk swap partition of highest priority "
                    + "(zram never).")
    String device;

    @Option(names = "--resume-offset", paramLabel = "N",
            description = "Device page of the swap header (a swap file; see torpor swap-offset). Default: "
                    + "resume-offset = of the config file, then /sys/power/resume_offset, then resume_offset= of "
                    + "the kernel command line, then 0.")
    String resumeOffset;

    @Option(names = "--snapshot-device", paramLabel = "PATH", defaultValue = "/dev/snapshot", hidden = true,
            description = "The snapshot device node (for tests).")
    Path snapshotDevice;

    /** The flags given, for {@link Settings#resolve}. */
    void given(Map<Setting, String> into) {
        if (device != null) {
            into.put(Setting.DEVICE, device);
        }
        if (resumeOffset != null) {
            into.put(Setting.RESUME_OFFSET, resumeOffset);
        }
    }
}
