package dev.torpor.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.torpor.image.io.read.Inspection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code torpor inspect}. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Tell whether SOURCE holds a hibernation image, which kernel and machine wrote it, and whether "
                + "it is intact: swap header, signature fields, target detection, swap map, header page, and (unless "
                + "--quick) every compressed unit, the CRC32 and the PFN metadata.", "",
                "Every problem is reported with the byte offset in SOURCE where it was found.", "",
                "--map draws the physical memory the image holds as an SVG picture: one cell per block of PFNs, grey "
                        + "where nothing was saved, white where only zero pages were, and coloured by how well the "
                        + "pages compressed (green: the image stores little of them, red: all of it).", "",
                "Exit codes: 0 valid kernel image, 1 no image, 2 corrupt image, 3 foreign image, 4 Torpor encrypted "
                        + "image (give --key to authenticate it), 64 usage error, 73 the map file exists, 74 I/O "
                        + "error."},
        footer = {"", "Examples:", "  torpor inspect /dev/sdb2", "  torpor inspect --json swap.img.gz",
                "  torpor inspect --resume-offset 34816 /dev/nvme0n1p3   # image in a swap file",
                "  torpor inspect --map memory.svg /dev/sdb2"})
final class InspectCommand implements Callable<Integer> {
    @Mixin
    SourceOptions source;

    @Option(names = "--json", description = "Print one JSON object instead of the readable report.")
    boolean json;

    @Option(names = "--quick", description = "Read headers and the swap map only; do not decompress the stream "
            + "(the computed CRC32 is then null).")
    boolean quick;

    @Option(names = "--key", paramLabel = "KEYFILE",
            description = "For Torpor's encrypted images: authenticate every unit with this key (exit 0 if all "
                    + "verify, 2 if not): the key file, the passphrase file, or the secret key file of torpor keygen "
                    + "(its passphrase is asked for, or read from --passphrase-file).")
    java.nio.file.Path key;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "The passphrase of a secret key file given to --key, on the first line of FILE.")
    java.nio.file.Path passphraseFile;

    @Option(names = "--map", paramLabel = "FILE.svg",
            description = "Also draw the image's physical memory into this SVG file (reads the image once more).")
    java.nio.file.Path map;

    @Option(names = "--force", description = "Overwrite the --map file if it exists.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (OpenedSource src = OpenedSource.open(source, spec.commandLine().getErr())) {
            if (map != null && quick) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--map reads every page; it cannot be combined with --quick");
            }
            Inspection r = src.image.inspect(quick, !quick);
            if (key != null && src.image.encrypted().isPresent()) {
                return verifyEncrypted(src, r, out);
            }
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(InspectionJson.of(r)));
                out.flush();
            } else {
                InspectionText.print(r, out);
            }
            if (map != null) {
                drawMap(src, r);
            }
            return exitCode(r);
        }
    }

    /** The picture, for a kernel image whose stream was read; a damaged one still gets what could be drawn. */
    private void drawMap(OpenedSource src, Inspection r) throws java.io.IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (r.kind() != dev.torpor.image.io.read.ImageKind.KERNEL || r.info().isEmpty()) {
            err.println("torpor: no map drawn: " + source.source + " holds no readable kernel image");
            return;
        }
        dev.torpor.image.io.export.MemoryMap.Summary m = dev.torpor.image.io.export.MemoryMap.write(src.image, map,
                force);
        err.printf("map: %s (%d PFNs per cell, %d cells, %d of them with nothing saved)%n", map, m.pfnsPerCell(),
                m.cells(), m.holeCells());
        err.flush();
    }

    private static int exitCode(Inspection r) {
        {
            switch (r.verdict()) {
                case VALID: return ExitCodes.OK;
                case NO_IMAGE: return ExitCodes.NO_IMAGE;
                case FOREIGN_IMAGE: return ExitCodes.FOREIGN;
                case ENCRYPTED: return ExitCodes.ENCRYPTED;
                default: return ExitCodes.CORRUPT;
            }
        }
    }

    private int verifyEncrypted(OpenedSource src, Inspection r, PrintWriter out) throws Exception {
        dev.torpor.image.io.read.EncryptedImage e = src.image.encrypted().orElseThrow();
        try {
            java.util.Optional<dev.torpor.image.io.encrypted.KeyMaterial> km = SecretKeys.open(key,
                    java.util.Optional.ofNullable(passphraseFile), spec.commandLine().getErr(), SecretKeys.ATTEMPTS);
            if (km.isEmpty()) {
                return ExitCodes.KEPT;
            }
            long units = e.verify(km.get());
            InspectionText.print(r, out);
            out.printf("encrypted Torpor image: %d stream pages, all %d units authenticated with the key%n",
                    e.header().streamPages(), units);
            return ExitCodes.OK;
        } catch (dev.torpor.image.io.ImageFormatException ex) {
            out.println("torpor: " + Torpor.describe(ex));
            return ExitCodes.CORRUPT;
        }
    }
}
