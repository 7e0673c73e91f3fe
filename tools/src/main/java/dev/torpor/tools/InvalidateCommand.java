package dev.torpor.tools;

import dev.torpor.image.io.write.Invalidation;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.platform.linux.FileDevices;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.platform.linux.LinuxSnapshotDevice;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/** {@code torpor invalidate}. */
@Command(name = "invalidate", mixinStandardHelpOptions = true,
        description = {"Make SWAP a plain swap area again: put the saved swap signature back in place of the image "
                + "signature, as the kernel does when it resumes and as suspend tools do when they cancel. The image "
                + "can then no longer be resumed.", "",
                "Exit codes: 0 invalidated, 1 there was no image, 2 no swap signature to restore, 64 usage error, "
                        + "74 I/O error. SWAP may be active swap: the kernel lets only a hibernating process write "
                        + "that, so torpor invalidate sets SWAP through /dev/snapshot as one does (root)."},
        footer = {"", "Example:", "  torpor invalidate /dev/sdb2"})
final class InvalidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SWAP", description = "The swap area: a file or a device.")
    Path swap;

    @Option(names = "--resume-offset", paramLabel = "N", defaultValue = "0",
            description = "Device page of the swap header (a swap file on a device). Default: ${DEFAULT-VALUE}.")
    long resumeOffset;

    @Spec
    CommandSpec spec;

    /**
     * SWAP is active swap: the kernel refuses writes to it (ETXTBSY) except to the area set through /dev/snapshot, so
     * it is set there (as a hibernating process does) for the write. Returns null, having said why, if it cannot be.
     */
    private Invalidation.Result throughTheHibernationDevice(FileChannel ch) throws java.io.IOException {
        java.io.PrintWriter err = spec.commandLine().getErr();
        String why;
        try (LinuxSnapshotDevice snapshot = LinuxSnapshotDevice.open(LinuxSnapshotDevice.DEFAULT_PATH,
                SnapshotDevice.Mode.HIBERNATE)) {
            LinuxFacts.DeviceNumber number = FileDevices.numberOf(swap);
            snapshot.setSwapArea(resumeOffset, SnapshotDevice.encodeDev(number.major(), number.minor()));
            return Invalidation.invalidate(PageStore.of(ch), resumeOffset);
        } catch (java.io.IOException | RuntimeException e) {
            why = Torpor.describe(e);
        }
        err.printf("torpor: %s is in use as swap: the kernel refuses writes to an active swap area (ETXTBSY) except to "
                + "the one set through %s, and setting it there failed (%s). Its old image can never be resumed "
                + "while the area is in use, and torpor hibernate reuses the area; to invalidate it now, turn it "
                + "off first (swapoff %s)%n", swap, LinuxSnapshotDevice.DEFAULT_PATH, why, swap);
        return null;
    }

    @Override
    public Integer call() throws Exception {
        try (FileChannel ch = FileChannel.open(swap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Invalidation.Result r;
            try {
                r = Invalidation.invalidate(PageStore.of(ch), resumeOffset);
            } catch (java.io.IOException e) {
                if (!String.valueOf(e.getMessage()).contains("Text file busy")) {
                    throw e;
                }
                r = throughTheHibernationDevice(ch);
                if (r == null) {
                    return ExitCodes.IO_ERROR;
                }
            }
            if (r.outcome() == Invalidation.Outcome.ALREADY_PLAIN) {
                spec.commandLine().getOut().printf("%s holds no image: already a plain %s swap area%n", swap,
                        r.restored());
                return ExitCodes.NO_IMAGE;
            }
            spec.commandLine().getOut().printf("invalidated the %s image in %s: %s restored%n", r.signature(), swap,
                    r.restored());
            return ExitCodes.OK;
        }
    }
}
