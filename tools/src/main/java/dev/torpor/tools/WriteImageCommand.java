package dev.torpor.tools;

import dev.torpor.hibernation.NativeCodecs;
import dev.torpor.image.io.Progress;
import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.write.ImageReplacement;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.FreeSlots;
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
                "SWAP must be a plain swap area (mkswap-formatted file or device) without an image, or with "
                        + "--replace one whose image is replaced. If anything fails, SWAP stays a plain swap area. The "
                        + "target (page size, word size, byte order) comes from the stream's header page unless "
                        + "given.", "",
                "Pages of SWAP that hold data are never written: in a hibernated system's area they are its "
                        + "swapped-out memory (torpor inspect counts them). A page of zeros cannot be told from a free "
                        + "one, and kernels before 6.12 write swapped-out pages of zeros as zeros, so an area with any "
                        + "page of data is refused (exit 65) unless the image is replaced: --replace writes only into "
                        + "the pages of the image it replaces, and refuses before writing anything if the new image "
                        + "does not fit.",
                "",
                "Exit codes: 0 done, 2 the stream or area is not usable, 64 usage error, 65 SWAP holds data outside "
                        + "an image to replace, 74 I/O error (also: the area is full, or the new image does not fit)."},
        footer = {"", "Examples:", "  torpor write-image image.stream --to swap.img",
                "  torpor write-image image.stream --to /dev/sdb2 --compress lz4 --threads 2",
                "  torpor read-stream /dev/sdb2 -o image.stream --allow-swapped-out",
                "  torpor write-image image.stream --to /dev/sdb2 --replace   # back in place, as LZO",
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

    @Option(names = "--replace", description = "SWAP holds an image: replace it, writing only into the pages it "
            + "occupies (they are free in the hibernated system; its other used pages may hold its swapped-out "
            + "memory).")
    boolean replace;

    @Option(names = "--overwrite-used-pages", description = "Also write pages of SWAP that hold data. Only for an "
            + "area you know to be unused: in a hibernated system's area those pages are its swapped-out memory.")
    boolean overwriteUsedPages;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    /** The pages of the image in SWAP, which --replace may write into; refused when they cannot all be known. */
    private long[] replacedPages() throws java.io.IOException {
        try (HibernationImage image = HibernationImage.open(swap, ReadOptions.defaults()
                .withResumeOffset(resumeOffset))) {
            if (image.kind() == ImageKind.NONE) {
                throw new IllegalArgumentException(swap + " holds no image to replace; write without --replace");
            }
            return image.slots().orElseThrow(() -> new IllegalArgumentException("the swap map of the image in "
                    + swap + " is broken, so its pages cannot all be told from the hibernated system's swapped-out "
                    + "memory; --replace refuses (torpor inspect " + swap + " shows the damage)")).toArray();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NativeCodecs.install();
        Optional<TargetProfile> override = Optional.empty();
        if (pageSize != null || wordSize != null || byteOrder != null) {
            if (pageSize == null || wordSize == null || byteOrder == null) {
                throw new IllegalArgumentException("give --page-size, --word-size and --byte-order together");
            }
            override = Optional.of(new TargetProfile(pageSize, wordSize, KernelByteOrder.parse(byteOrder), "unknown"));
        }
        if (replace && overwriteUsedPages) {
            throw new IllegalArgumentException("--replace writes only into the replaced image's pages; "
                    + "--overwrite-used-pages cannot go with it");
        }
        Optional<TargetProfile> targetOverride = override;
        long[] replaced = replace ? replacedPages() : null;
        try (StreamFile source = StreamFile.open(stream, override);
             FileChannel ch = FileChannel.open(swap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TargetProfile t = source.target();
            PageStore store = PageStore.of(ch);
            int[] lastTenth = {-1};
            ImageWriter.Options o = ImageWriter.Options.defaults().withCompressor(compressor).withThreads(threads)
                    .withProgress(quiet ? Progress.NONE : (done, total, bytes) -> {
                        int tenth = (int) (done * 10 / total);
                        if (tenth != lastTenth[0]) {
                            lastTenth[0] = tenth;
                            err.printf("torpor: image saving progress: %3d%%%n", tenth * 10);
                            err.flush();
                        }
                    });
            ImageWriter.Options options = o.withPlatformMode(platform).withKdfIterations(kdfIterations);
            if (encrypt != null) {
                options = options.withEncryption(dev.torpor.image.io.encrypted.KeyMaterial.fromFile(encrypt));
            }
            long start = System.nanoTime();
            ImageWriter.Options chosen = options;
            ImageReplacement.Writer writer = (s, a, slots, dry) -> ImageWriter.write(s, t, a, slots,
                    dry ? chosen.withProgress(Progress.NONE) : chosen);
            ImageWriter.Result r;
            if (replace) {
                r = ImageReplacement.replace(() -> StreamFile.open(stream, targetOverride), store, resumeOffset,
                        t.pageSize(), t.byteOrder(), replaced, writer);
                out.printf("replaced the image in %s: the new one takes %d of the %d pages the old one occupied%n",
                        swap, r.storedPages() + r.mapPages(), replaced.length);
            } else {
                SwapArea area = SwapArea.open(store, resumeOffset, t.pageSize(), t.byteOrder());
                FreeSlots slots;
                if (overwriteUsedPages) {
                    err.println("torpor: warning: --overwrite-used-pages: pages of " + swap + " that hold data may be "
                            + "overwritten; if this area belongs to a hibernated system, its swapped-out memory is lost");
                    slots = FreeSlots.overwriting(area);
                } else {
                    try {
                        slots = FreeSlots.emptyOnly(area);
                    } catch (FreeSlots.AreaHoldsData e) {
                        err.println("torpor: refused, nothing written: " + swap + ": " + e.getMessage());
                        return ExitCodes.DATA_ERROR;
                    }
                }
                r = writer.write(source, area, slots, false);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (encrypt != null) {
                out.printf("wrote an encrypted Torpor image: %d pages (%s inside AES-256-GCM, %d units, %d stored "
                        + "pages) to %s in %.2f s%n", r.pages(), compressor.label(), r.units(), r.storedPages(), swap,
                        seconds);
                return ExitCodes.OK;
            }
            out.printf("wrote %d pages (%s, %d stored pages, %d map pages%s) to %s in %.2f s (%.0f MB/s), flags 0x%x%s%n",
                    r.pages(), compressor.label(), r.storedPages(), r.mapPages(),
                    r.units() > 0 ? ", " + r.units() + " units" : "", swap, seconds, r.bytesIn() / 1e6 / seconds,
                    r.flags(), compressor == Compressor.NONE ? "" : String.format(", CRC32 0x%08x", r.crc32()));
            return ExitCodes.OK;
        }
    }
}
