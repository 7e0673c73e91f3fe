package dev.torpor.image.io.read;

import dev.torpor.image.io.ImageFormatException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.torpor.image.io.export.ExportFormat;
import dev.torpor.image.io.export.MemoryExport;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Coverage-guided fuzzing of the image reader: any bytes as a swap area, then inspect (full, with the slots outside
 * the image), every page, the stream and an ELF export. Untrusted input may only be refused
 * ({@link ImageFormatException}, with its byte offset); any other exception, an out-of-memory error or a hang is a
 * finding. Seeds: slices of the real corpus images and tiny emulated images ({@link FuzzSeeds}). In the test command
 * a bounded run fuzzes for 60 s ({@code JAZZER_FUZZ=1}); otherwise the seeds and past findings run as regression
 * tests.
 */
class ImageReaderFuzzTest {
    private static final Path DIR = FuzzFiles.dir("reader");

    @FuzzTest(maxDuration = "60s")
    void readEverything(byte[] data) throws IOException {
        Path area = Files.write(DIR.resolve("area"), data);
        try (HibernationImage image = HibernationImage.open(FileChannel.open(area, StandardOpenOption.READ),
                data.length, "fuzz", ReadOptions.defaults())) {
            image.problems().forEach(p -> p.toString());
            refusedOnly(() -> image.inspect(false, true));
            refusedOnly(() -> {
                try (PhysicalPages pages = image.pages()) {
                    while (pages.next() != null) {
                        // every page decoded
                    }
                }
                return null;
            });
            refusedOnly(() -> {
                SnapshotStream s = image.stream();
                while (s.next() != null) {
                    // the stream a resumer would write
                }
                return null;
            });
            refusedOnly(() -> MemoryExport.export(image, ExportFormat.ELF, DIR.resolve("core.elf"), true));
            refusedOnly(() -> dev.torpor.image.io.export.MemoryMap.write(image, DIR.resolve("map.svg"), true));
        }
    }

    /** Runs {@code step}; a refusal of the input is fine, anything else propagates as a finding. */
    static void refusedOnly(FuzzFiles.Step step) throws IOException {
        try {
            step.run();
        } catch (ImageFormatException refused) {
            if (refused.getMessage() == null || refused.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a message", refused);
            }
        }
    }
}
