package dev.torpor.tools;

import dev.torpor.snapshot.api.device.ErrnoException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.platform.linux.Fiemap;
import dev.torpor.platform.linux.FileDevices;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.swap.format.SwapSignature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code torpor swap-offset}. */
@Command(name = "swap-offset", mixinStandardHelpOptions = true,
        description = {"Print the resume_offset of a swap file (the device page where its first page lives, from "
                + "FIEMAP; on btrfs through its chunk tree, as btrfs inspect-internal map-swapfile -r) and the "
                + "resume= device to go with it, for the kernel command line or /sys/power.", "",
                "Refuses files the kernel cannot hibernate to: holes, or extents shared with another file "
                        + "(copy-on-write). Preallocated files (fallocate, btrfs filesystem mkswapfile) are fine.", "",
                "Exit codes: 0 done, 65 the file cannot be used as hibernation swap, 64 usage error, 74 I/O error."},
        footer = {"", "Example:", "  torpor swap-offset /swapfile",
                "  # then: resume=/dev/vda2 resume_offset=34816 on the kernel command line"})
final class SwapOffsetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The swap file.")
    Path file;

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "4096",
            description = "Kernel page size. Default: ${DEFAULT-VALUE}.")
    int pageSize;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "not a regular file");
        }
        long offset;
        try {
            offset = Fiemap.resumeOffset(file, Files.size(file), pageSize);
        } catch (dev.torpor.snapshot.api.device.ErrnoException e) {
            throw e;
        } catch (java.io.IOException e) {
            err.println("torpor: " + e.getMessage());
            return ExitCodes.DATA_ERROR;
        }
        LinuxFacts.DeviceNumber dev = FileDevices.storageDeviceOf(file);
        Optional<Path> name = FileDevices.nameOf(dev, Path.of("/sys"));
        boolean swapSignature = hasSwapSignature(file, pageSize);
        String resume = name.map(Path::toString).orElse(dev.toString());
        if (json) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("file", file.toString());
            o.put("resumeOffset", offset);
            o.put("device", dev.toString());
            o.put("deviceName", name.map(Path::toString).orElse(null));
            o.put("swapSignature", swapSignature);
            o.put("kernelCommandLine", "resume=" + resume + " resume_offset=" + offset);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
        } else {
            out.printf("resume_offset=%d%n", offset);
            out.printf("resume=%s   (device %s)%n", resume, dev);
            out.printf("kernel command line:  resume=%s resume_offset=%d%n", resume, offset);
            out.printf("at run time:          echo %d > /sys/power/resume_offset; echo %s > /sys/power/resume%n",
                    offset, dev);
            if (!swapSignature) {
                err.println("torpor: warning: " + file + " has no swap signature yet; run mkswap on it");
            }
        }
        return ExitCodes.OK;
    }

    private static boolean hasSwapSignature(Path file, int pageSize) throws java.io.IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < pageSize) {
                return false;
            }
            ByteBuffer page = ByteBuffer.allocate(pageSize);
            ch.read(page, 0);
            return SwapSignature.at(page, pageSize - SwapSignature.LENGTH).isPresent();
        }
    }
}
