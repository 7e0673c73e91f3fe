package dev.torpor.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.torpor.image.io.disk.DiskScan;
import dev.torpor.image.io.disk.ScanReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/** {@code torpor scan}. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Find every swap area and hibernation image in a whole disk image or block device, and tell "
                + "what each holds, as inspect would.", "",
                "It reads MBR and GPT partition tables (with logical partitions), LVM2 physical volumes and their "
                        + "linear logical volumes, and LUKS headers (reported as encrypted, not readable without the "
                        + "key). It then searches file systems, and volumes it does not recognise, for swap files: "
                        + "the swap signature at the end of a page-aligned block, with a valid swap header before "
                        + "it. That search reads the whole volume; --no-files skips it.", "",
                "Each finding names its volume (p2, vg/lv, or disk) and, for a swap file, its resume_offset, and "
                        + "gives the inspect command that reads it: no offset is computed by hand. The verdict comes "
                        + "from headers and the swap map; --full also decompresses and checks every unit.", "",
                "Exit codes: 0 at least one hibernation image found, 1 none found, 64 usage error, 74 I/O error."},
        footer = {"", "Examples:", "  torpor scan disk.img", "  torpor scan --json /dev/sdb",
                "  torpor scan --no-files /dev/nvme0n1        # tables and volumes only, quick",
                "  torpor inspect --volume vg0/swap disk.img   # what scan named"})
final class ScanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DISK", description = "A whole-disk image file or block device.")
    Path disk;

    @Option(names = "--json", description = "Print one JSON object instead of the readable report.")
    boolean json;

    @Option(names = "--no-files", description = "Do not search file systems for swap files (reads only tables, "
            + "labels and the start of each volume).")
    boolean noFiles;

    @Option(names = "--full", description = "Inspect each image fully: decompress every unit and check the CRC32.")
    boolean full;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(disk)) {
            throw new NoSuchFileException(disk.toString(), null, "no such file or device");
        }
        if (Files.isDirectory(disk)) {
            throw new IllegalArgumentException(disk + " is a directory; give a disk image or a block device");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ScanReport report;
        Path temporary = OpenedSource.inflatedIfGzip(disk, disk.toString(), err);
        Path readFrom = temporary != null ? temporary : disk;
        long size = OpenedSource.sizeOf(readFrom);
        try (FileChannel ch = FileChannel.open(readFrom, StandardOpenOption.READ)) {
            long[] lastShown = {0};
            report = new DiskScan(!noFiles, full, searched -> {
                if (searched - lastShown[0] >= (1L << 30)) {
                    lastShown[0] = searched;
                    err.printf("torpor: searched %d GiB for swap files%n", searched >> 30);
                    err.flush();
                }
            }).scan(ch, size, disk.toString());
        } finally {
            if (temporary != null) {
                Files.deleteIfExists(temporary);
            }
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(ScanJson.of(report, disk.toString())));
        } else {
            ScanText.print(report, disk.toString(), out);
        }
        out.flush();
        return report.anyImage() ? ExitCodes.OK : ExitCodes.NO_IMAGE;
    }
}
