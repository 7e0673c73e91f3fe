package dev.torpor.tools;

import dev.torpor.image.io.write.Invalidation;
import dev.torpor.image.io.write.PageStore;
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
                        + "74 I/O error."},
        footer = {"", "Example:", "  torpor invalidate /dev/sdb2"})
final class InvalidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SWAP", description = "The swap area: a file or a device.")
    Path swap;

    @Option(names = "--resume-offset", paramLabel = "N", defaultValue = "0",
            description = "Device page of the swap header (a swap file on a device). Default: ${DEFAULT-VALUE}.")
    long resumeOffset;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (FileChannel ch = FileChannel.open(swap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Invalidation.Result r = Invalidation.invalidate(PageStore.of(ch), resumeOffset);
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
