package dev.torpor.tools;

import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.Problem;
import dev.torpor.image.io.export.ExportFormat;
import dev.torpor.image.io.export.ExportResult;
import dev.torpor.image.io.export.MemoryExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code torpor extract}. */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = {"Write the physical memory saved in the image in SOURCE to OUT.", "",
                "raw:  page PFN at byte offset PFN x page size; a sparse file with holes where the image has no page "
                        + "or a zero page.",
                "lime: LiME format (Volatility 3 reads it): one range header per contiguous run of PFNs.",
                "elf:  ELF64 core file laid out as kdump writes one (makedumpfile reads it; drgn and crash too, with "
                        + "the kernel's debug vmlinux): the "
                        + "kernel's VMCOREINFO note first, one PT_LOAD per contiguous run (physical address in "
                        + "p_paddr), and on x86_64 the kernel image again at its virtual addresses. The image is read "
                        + "twice: the headers come first. For example, the hibernated kernel's log:",
                "  torpor extract --format elf -o mem.elf /dev/sda2",
                "  makedumpfile --dump-dmesg mem.elf dmesg.txt", "",
                "Never overwrites OUT unless --force is given. If the image turns out damaged part-way, what was "
                        + "written so far stays in OUT and the exit code is 2.", "",
                "Exit codes: 0 done, 1 no image, 2 corrupt image, 3 foreign image, 64 usage error, 73 OUT exists, "
                        + "74 I/O error."},
        footer = {"", "Examples:", "  torpor extract /dev/sdb2 -o memory.raw",
                "  torpor extract swap.img --format lime -o memory.lime",
                "  vol -f memory.lime linux.pslist   # Volatility 3 on the result"})
final class ExtractCommand implements Callable<Integer> {
    @Mixin
    SourceOptions source;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Output file.")
    Path output;

    @Option(names = "--format", paramLabel = "raw|lime|elf", defaultValue = "raw",
            converter = FormatConverter.class, description = "Output format. Default: ${DEFAULT-VALUE}.")
    ExportFormat format;

    @Option(names = "--force", description = "Overwrite OUT (and SLOTS) if it exists.")
    boolean force;

    @Option(names = "--swapped-out", paramLabel = "SLOTS",
            description = "Also write the pages of the swap area outside the image that hold data (the hibernated "
                    + "system's swapped-out memory) to SLOTS: for each, its page number in the area as 8 bytes "
                    + "little-endian, then the page.")
    Path swappedOut;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (OpenedSource src = OpenedSource.open(source, err)) {
            HibernationImage image = src.image;
            if (image.kind() == ImageKind.NONE) {
                err.println("torpor: " + source.source + " holds no hibernation image; nothing extracted");
                return ExitCodes.NO_IMAGE;
            }
            if (image.kind() == ImageKind.FOREIGN) {
                err.println("torpor: " + source.source + " holds an image of another tool ("
                        + image.inspect(true).signature().orElse("?") + "); Torpor reads only kernel images");
                return ExitCodes.FOREIGN;
            }
            ExportResult r;
            try {
                r = MemoryExport.export(image, format, output, force);
            } catch (ImageFormatException e) {
                err.println("torpor: " + Torpor.describe(e));
                err.println("torpor: " + output + " holds what was extracted before the damage");
                return ExitCodes.CORRUPT;
            }
            out.printf("extracted %d pages (%d zero pages) in %d runs, PFN %d..%d, to %s (%s, %d bytes)%n", r.pages(),
                    r.zeroPages(), r.runs(), r.pfnMin(), r.pfnMax(), output, format.label(), r.bytes());
            if (swappedOut != null) {
                swappedOut(image, out);
            }
            List<Problem> problems = image.problems();
            problems.forEach(p -> err.println("torpor: " + p));
            boolean errors = problems.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
            return errors ? ExitCodes.CORRUPT : ExitCodes.OK;
        }
    }

    private void swappedOut(HibernationImage image, PrintWriter out) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(swappedOut,
                OutputFiles.options(force))) {
            java.nio.ByteBuffer number = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            dev.torpor.image.io.read.SlotsOutside s = image.slotsOutsideImage((page, data) -> {
                number.clear().putLong(0, page);
                while (number.hasRemaining()) {
                    ch.write(number);
                }
                while (data.hasRemaining()) {
                    ch.write(data);
                }
            });
            out.printf("wrote %d swapped-out pages%s (each its page number, then the page) to %s%n", s.count(),
                    s.first().isPresent() ? " (pages " + s.first().getAsLong() + ".." + s.last().getAsLong() + ")"
                            : "", swappedOut);
        }
    }

    /** Accepts the formats in lower case. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<ExportFormat> {
        @Override
        public ExportFormat convert(String value) {
            try {
                return ExportFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value
                        + "' is not a format; use raw, lime or elf");
            }
        }
    }
}
