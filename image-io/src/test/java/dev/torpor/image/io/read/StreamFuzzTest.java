package dev.torpor.image.io.read;

import dev.torpor.image.io.ImageFormatException;

import dev.torpor.image.io.codec.Compressor;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.torpor.image.io.write.FreeSlots;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.SlotAllocator;
import dev.torpor.image.io.write.StreamFile;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.snapshot.api.KernelByteOrder;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Coverage-guided fuzzing of the stream parser behind {@code write-image}: any bytes as a snapshot stream file,
 * written (LZO) into a fresh 256-page swap area. The input may only be refused ({@link ImageFormatException}) or
 * not fit ({@link SlotAllocator.NoSpaceException}); whatever was written then leaves no signature. Seeds: streams of
 * tiny emulated images ({@link FuzzSeeds}).
 */
class StreamFuzzTest {
    private static final Path DIR = FuzzFiles.dir("stream");

    @FuzzTest(maxDuration = "60s")
    void writeImage(byte[] data) throws IOException {
        Path stream = Files.write(DIR.resolve("stream"), data);
        Path swap = DIR.resolve("area");
        Files.deleteIfExists(swap);
        try (FileChannel ch = FileChannel.open(swap, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            PageStore store = PageStore.of(ch);
            SwapArea.format(store, 0, 4096, KernelByteOrder.LITTLE, 256, new UUID(3, 4), "fuzz");
            boolean signed;
            try (StreamFile source = StreamFile.open(stream, Optional.empty())) {
                SwapArea area = SwapArea.open(store, 0, source.target().pageSize(), source.target().byteOrder());
                ImageWriter.write(source, source.target(), area, FreeSlots.emptyOnly(area),
                        ImageWriter.Options.defaults().withCompressor(Compressor.LZO));
                signed = true;
            } catch (ImageFormatException | SlotAllocator.NoSpaceException | IllegalArgumentException refused) {
                signed = false;
            }
            try (HibernationImage image = HibernationImage.open(swap, ReadOptions.defaults())) {
                if (!signed && image.kind() != ImageKind.NONE) {
                    throw new AssertionError("a refused stream left a " + image.kind() + " signature");
                }
                if (signed && image.kind() != ImageKind.KERNEL) {
                    throw new AssertionError("a written image reads as " + image.kind());
                }
            }
        }
    }
}
