package dev.torpor.tools;

import dev.torpor.image.io.Compressor;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.SequentialSlots;
import dev.torpor.image.io.write.StreamFile;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.TargetProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code torpor write-image}. */
@Command(name = "write-image", mixinStandardHelpOptions = true,
        description = {"Store the snapshot stream in STREAM as a hibernation image in the swap area SWAP, offline, "
                + "exactly as the kernel's own writer would: uncompressed pages or LZO/LZ4 units with the kernel's "
                + "CRC32, swap-map pages, and the signature page written last, after everything else is on disk.", "",
                "SWAP must be a plain swap area (mkswap-formatted file or device) without an image. If anything fails, "
                        + "SWAP stays a plain swap area. The target (page size, word size, byte order) comes from "
                        + "the stream's header page unless given.", "",
                "Exit codes: 0 done, 2 the stream or area is not usable, 64 usage error, 74 I/O error (also: the area "
                        + "is full)."},
        footer = {"", "Examples:", "  torpor write-image image.stream --to swap.img",
                "  torpor write-image image.stream --to /dev/sdb2 --compress lz4 --threads 2",
                "  torpor inspect swap.img   # check the result"})
final class WriteImageCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "STREAM", description = "A snapshot stream file (see read-stream).")
    Path stream;

    @Option(names = "--to", required = true, paramLabel = "SWAP", description = "The swap area: a file or a device.")
    Path swap;

    @Option(names = "--resume-offset", paramLabel = "N", defaultValue = "0",
            description = "Device page of the swap header (a swap file on a device). Default: ${DEFAULT-VALUE}.")
    long resumeOffset;

    @Option(names = "--compress", paramLabel = "lzo|lz4|none", defaultValue = "lzo",
            converter = CompressorConverter.class,
            description = "How to store the stream: lzo (every kernel since 2.6.37), lz4 (6.9+), none. "
                    + "Default: ${DEFAULT-VALUE}.")
    Compressor compressor;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
            description = "Compression threads; the bytes written do not depend on it. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--platform", description = "Set the platform-mode flag (resume through ACPI S4).")
    boolean platform;

    @Option(names = "--encrypt", paramLabel = "KEYFILE",
            description = "Write Torpor's encrypted image kind instead (AES-256-GCM per unit, compressed with "
                    + "--compress first). KEYFILE holds a 32-byte key, or a passphrase (PBKDF2-HMAC-SHA256). The "
                    + "kernel cannot resume it and boots normally; torpor resume --key can.")
    Path encrypt;

    @Option(names = "--kdf-iterations", paramLabel = "N", defaultValue = "600000",
            description = "PBKDF2 iterations for a passphrase. Default: ${DEFAULT-VALUE}.")
    int kdfIterations;

    @Option(names = "--page-size", paramLabel = "N", description = "Stream page size. Default: from the header page.")
    Integer pageSize;

    @Option(names = "--word-size", paramLabel = "4|8", description = "Kernel word size. Default: from the header page.")
    Integer wordSize;

    @Option(names = "--byte-order", paramLabel = "little|big", description = "Default: from the header page.")
    String byteOrder;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<TargetProfile> override = Optional.empty();
        if (pageSize != null || wordSize != null || byteOrder != null) {
            if (pageSize == null || wordSize == null || byteOrder == null) {
                throw new IllegalArgumentException("give --page-size, --word-size and --byte-order together");
            }
            override = Optional.of(new TargetProfile(pageSize, wordSize, KernelByteOrder.parse(byteOrder), "unknown"));
        }
        try (StreamFile source = StreamFile.open(stream, override);
             FileChannel ch = FileChannel.open(swap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TargetProfile t = source.target();
            SwapArea area = SwapArea.open(PageStore.of(ch), resumeOffset, t.pageSize(), t.byteOrder());
            int[] lastTenth = {-1};
            ImageWriter.Options o = ImageWriter.Options.defaults().withCompressor(compressor).withThreads(threads)
                    .withProgress(quiet ? null : (done, total, bytes) -> {
                        int tenth = (int) (done * 10 / total);
                        if (tenth != lastTenth[0]) {
                            lastTenth[0] = tenth;
                            err.printf("torpor: image saving progress: %3d%%%n", tenth * 10);
                            err.flush();
                        }
                    });
            o = new ImageWriter.Options(o.compressor(), o.threads(), o.layout(), o.sectorSize(), platform, o.progress(),
                    o.registry());
            long start = System.nanoTime();
            if (encrypt != null) {
                ImageWriter.Result r = dev.torpor.image.io.write.EncryptedImageWriter.write(source, t, area,
                        new SequentialSlots(area), dev.torpor.image.io.KeyMaterial.fromFile(encrypt), compressor,
                        kdfIterations, threads);
                double seconds = (System.nanoTime() - start) / 1e9;
                out.printf("wrote an encrypted Torpor image: %d pages (%s inside AES-256-GCM, %d units, %d stored "
                        + "pages) to %s in %.2f s%n", r.pages(), compressor.label(), r.units(), r.storedPages(), swap,
                        seconds);
                return ExitCodes.OK;
            }
            ImageWriter.Result r = ImageWriter.write(source, t, area, new SequentialSlots(area), o);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("wrote %d pages (%s, %d stored pages, %d map pages%s) to %s in %.2f s (%.0f MB/s), flags 0x%x%s%n",
                    r.pages(), compressor.label(), r.storedPages(), r.mapPages(),
                    r.units() > 0 ? ", " + r.units() + " units" : "", swap, seconds, r.bytesIn() / 1e6 / seconds,
                    r.flags(), compressor == Compressor.NONE ? "" : String.format(", CRC32 0x%08x", r.crc32()));
            return ExitCodes.OK;
        }
    }
}
