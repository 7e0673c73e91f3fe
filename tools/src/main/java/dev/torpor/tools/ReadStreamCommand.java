package dev.torpor.tools;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.read.SnapshotStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code torpor read-stream}. */
@Command(name = "read-stream", mixinStandardHelpOptions = true,
        description = {"Write the uncompressed snapshot stream of the image in SOURCE to STREAM: the header page, the "
                + "metadata pages and the data pages, exactly the bytes a resumer writes into /dev/snapshot.", "",
                "Every unit is decompressed and the CRC32 checked; if the image is damaged, what was written so far "
                        + "stays in STREAM and the exit code is 2.", "",
                "The stream can be stored in another swap area only if SOURCE holds nothing outside its image. "
                        + "A hibernated system that swapped before the snapshot keeps those pages in SOURCE and reads "
                        + "them back after the resume: such a stream resumes correctly only when written back into "
                        + "SOURCE with write-image --replace, and read-stream writes it only with --allow-swapped-out.", "",
                "Exit codes: 0 done, 1 no image, 2 corrupt image, 3 foreign image, 64 usage error, 65 SOURCE holds "
                        + "swapped-out pages (see --allow-swapped-out), 73 STREAM exists, 74 I/O error."},
        footer = {"", "Example:", "  torpor read-stream /dev/sdb2 -o image.stream",
                "  torpor write-image image.stream --to /dev/sdc2 --compress lz4   # store it elsewhere"})
final class ReadStreamCommand implements Callable<Integer> {
    @Mixin
    SourceOptions source;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "STREAM", description = "Output file.")
    Path output;

    @Option(names = "--force", description = "Overwrite STREAM if it exists.")
    boolean force;

    @Option(names = "--allow-swapped-out", description = "Write the stream even though SOURCE holds swapped-out pages "
            + "outside its image: to write it back into SOURCE with write-image --replace, or to study it.")
    boolean allowSwappedOut;

    @Option(names = "--key", paramLabel = "KEYFILE",
            description = "Key of a Torpor encrypted image: the whole image is authenticated first, then decrypted. "
                    + "A secret key file of torpor keygen asks for its passphrase (or reads --passphrase-file).")
    Path key;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "The passphrase of a secret key file given to --key, on the first line of FILE.")
    Path passphraseFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (OpenedSource src = OpenedSource.open(source, err)) {
            dev.torpor.image.io.read.SlotsOutside outside = null;
            if (src.image.kind() == ImageKind.KERNEL || src.image.kind() == ImageKind.TORPOR) {
                outside = src.image.slotsOutsideImage();
                if (outside.count() > 0 && !allowSwappedOut) {
                    err.printf("torpor: %s holds %d pages outside its image that hold data (pages %d..%d): the "
                            + "hibernated system's swapped-out memory. Stored in another area, the image would resume "
                            + "without them and the system would fail. Give --allow-swapped-out to write the stream "
                            + "anyway, then store it only with write-image --to %s --replace%n", source.source,
                            outside.count(), outside.first().getAsLong(), outside.last().getAsLong(), source.source);
                    return ExitCodes.DATA_ERROR;
                }
            }
            if (src.image.kind() == ImageKind.TORPOR) {
                if (key == null) {
                    err.println("torpor: " + source.source + " holds an encrypted Torpor image; give --key");
                    return ExitCodes.USAGE;
                }
                return decrypt(src, out, err);
            }
            if (src.image.kind() != ImageKind.KERNEL) {
                err.println("torpor: " + source.source + " holds no kernel hibernation image");
                return src.image.kind() == ImageKind.NONE ? ExitCodes.NO_IMAGE : ExitCodes.FOREIGN;
            }
            Set<StandardOpenOption> opts = OutputFiles.options(force);
            long pages = 0;
            try (FileChannel ch = FileChannel.open(output, opts); SnapshotStream stream = src.image.stream()) {
                for (ByteBuffer p = stream.next(); p != null; p = stream.next()) {
                    while (p.hasRemaining()) {
                        ch.write(p);
                    }
                    pages++;
                }
            } catch (ImageFormatException e) {
                err.println("torpor: " + Torpor.describe(e));
                err.println("torpor: " + output + " holds the " + pages + " pages read before the damage");
                return ExitCodes.CORRUPT;
            }
            int p = src.image.detection().orElseThrow().target().pageSize();
            out.printf("wrote the snapshot stream: %d pages (%d bytes) to %s%n", pages, pages * p, output);
            out.println(outside.count() == 0 ? "torpor: " + source.source + " holds nothing outside its image: the "
                    + "stream can be stored in any swap area"
                    : "torpor: " + source.source + " holds " + outside.count() + " swapped-out pages: store the stream "
                    + "only with write-image " + output + " --to " + source.source + " --replace");
            return ExitCodes.OK;
        }
    }

    private int decrypt(OpenedSource src, PrintWriter out, PrintWriter err) throws Exception {
        Set<StandardOpenOption> opts = OutputFiles.options(force);
        dev.torpor.image.io.read.PageSource pages;
        try {
            java.util.Optional<dev.torpor.image.io.encrypted.KeyMaterial> km = SecretKeys.open(key,
                    java.util.Optional.ofNullable(passphraseFile), err, SecretKeys.ATTEMPTS);
            if (km.isEmpty()) {
                return ExitCodes.KEPT;
            }
            pages = src.image.encrypted().orElseThrow().pages(km.get());
        } catch (ImageFormatException e) {
            err.println("torpor: " + Torpor.describe(e));
            return ExitCodes.CORRUPT;
        }
        long n = 0;
        try (FileChannel ch = FileChannel.open(output, opts)) {
            for (ByteBuffer p = pages.next(); p != null; p = pages.next()) {
                while (p.hasRemaining()) {
                    ch.write(p);
                }
                n++;
            }
        }
        out.printf("wrote the decrypted snapshot stream: %d pages to %s%n", n, output);
        return ExitCodes.OK;
    }
}
