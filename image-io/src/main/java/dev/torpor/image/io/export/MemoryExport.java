package dev.torpor.image.io.export;

import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.PhysicalPage;
import dev.torpor.image.io.read.PhysicalPages;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;

/**
 * Writes the physical memory of an image to a file, streaming: one page in flight, whatever the image size.
 */
public final class MemoryExport {

    private MemoryExport() {
    }

    /**
     * Exports {@code image} to {@code out}.
     *
     * @param overwrite replace an existing file; without it an existing file is an error and is left untouched
     * @throws FileAlreadyExistsException if {@code out} exists and {@code overwrite} is false
     * @throws ImageFormatException       if the image is damaged; what was written before stays in {@code out}
     */
    public static ExportResult export(HibernationImage image, ExportFormat format, Path out, boolean overwrite)
            throws IOException {
        // an ELF core's headers come first, so a first pass finds what they hold (before the file is created)
        ElfPlan plan = format == ExportFormat.ELF ? ElfPlan.of(image) : null;
        try (FileChannel ch = FileChannel.open(out, OutputFiles.options(overwrite)); PhysicalPages pages = image.pages()) {
            MemoryWriter w = format.writer(ch, image.detection().orElseThrow().target(), plan);
            long count = 0;
            long zero = 0;
            long runs = 0;
            long runStart = -1;
            long prev = -2;
            long min = -1;
            long max = -1;
            try {
                for (PhysicalPage p = pages.next(); p != null; p = pages.next()) {
                    if (p.pfn() != prev + 1 || runStart < 0) {
                        if (runStart >= 0) {
                            w.endRun(prev - runStart + 1);
                        }
                        w.startRun(p.pfn());
                        runStart = p.pfn();
                        runs++;
                    }
                    w.page(p);
                    prev = p.pfn();
                    count++;
                    if (p.zero()) {
                        zero++;
                    }
                    min = min < 0 ? p.pfn() : Math.min(min, p.pfn());
                    max = Math.max(max, p.pfn());
                }
            } catch (ImageFormatException e) {
                // what was written stays, described by the format's headers: the run so far ends where it broke
                if (runStart >= 0) {
                    w.endRun(prev - runStart + 1);
                }
                w.finish();
                throw e;
            }
            if (runStart >= 0) {
                w.endRun(prev - runStart + 1);
            }
            w.finish();
            return new ExportResult(format, count, zero, runs, ch.size(), min, max);
        }
    }
}
