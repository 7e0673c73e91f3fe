package dev.torpor.image.io.write;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ImageSlots;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.snapshot.api.TargetProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Replacing an image in place, on copies of the real 6.1 area whose system swapped before it hibernated: the new
 * image takes only the old image's pages, and every other page (its swapped-out memory) stays byte for byte.
 */
class ImageReplacementTest {
    @TempDir
    Path tmp;

    @Test
    void theNewImageTakesOnlyTheOldImagesPagesAndTheSwappedOutPagesStay() throws Exception {
        Path source = copy("k61-nocompress", "source.swap");
        Path area = copy("k61-nocompress", "area.swap");
        long[] old = slots(area);
        String outsideBefore = outsideDigest(area, old);
        String streamBefore = streamDigest(source);
        List<HibernationImage> opened = new ArrayList<>();
        ImageWriter.Result r;
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TargetProfile t = target(source);
            List<Boolean> runs = new ArrayList<>();
            r = ImageReplacement.replace(() -> open(source, opened).stream(), PageStore.of(ch), 0, 4096,
                    t.byteOrder(), old, (s, a, slots, dry) -> {
                        runs.add(dry);
                        return ImageWriter.write(s, t, a, slots, ImageWriter.Options.defaults()
                                .withCompressor(Compressor.LZO));
                    });
            assertThat(runs).containsExactly(true, false);
        } finally {
            for (HibernationImage i : opened) {
                i.close();
            }
        }
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            Inspection in = image.inspect(false);
            assertThat(in.verdict()).as(in.toString()).isEqualTo(Verdict.VALID);
            long[] now = image.slots().orElseThrow().toArray();
            ImageSlots slots = image.slots().get();
            assertThat(now.length).isEqualTo(r.storedPages() + r.mapPages())
                    .as("LZO takes fewer pages than the uncompressed image it replaces").isLessThan(old.length / 2);
            java.util.Set<Long> oldSet = new java.util.HashSet<>();
            for (long p : old) {
                oldSet.add(p);
            }
            for (long p : now) {
                assertThat(oldSet).as("page %d was the old image's", p).contains(p);
            }
            assertThat(slots.count()).isEqualTo(now.length);
            assertThat(slots.contains(now[0])).isTrue();
            assertThat(slots.contains(0)).as("the swap header is not the image's").isFalse();
        }
        assertThat(streamDigest(area)).as("the same snapshot, now LZO-compressed").isEqualTo(streamBefore);
        assertThat(outsideDigest(area, old)).as("the pages outside the old image").isEqualTo(outsideBefore);
    }

    @Test
    void aNewImageThatDoesNotFitIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path source = copy("k61-nocompress", "source.swap"); // 19,833 pages stored uncompressed
        Path area = copy("k61-lzo", "area.swap"); // an image of 5,279 pages
        byte[] before = Files.readAllBytes(area);
        long[] old = slots(area);
        List<HibernationImage> opened = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TargetProfile t = target(source);
            assertThatThrownBy(() -> ImageReplacement.replace(() -> open(source, opened).stream(), PageStore.of(ch),
                    0, 4096, t.byteOrder(), old, (s, a, slots, dry) -> ImageWriter.write(s, t, a, slots,
                            ImageWriter.Options.defaults().withCompressor(Compressor.NONE))))
                    .isInstanceOf(SlotAllocator.NoSpaceException.class)
                    .hasMessageContaining("does not fit in the " + old.length + " pages of the image it replaces");
        } finally {
            for (HibernationImage i : opened) {
                i.close();
            }
        }
        assertThat(Files.readAllBytes(area)).as("the area, old image included, is as it was").isEqualTo(before);
    }

    @Test
    void anEmptyOnlyWriterRefusesAnAreaWithAnyPageOfData() throws Exception {
        Path area = copy("k61-lzo", "area.swap");
        long first;
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            first = Math.min(image.slots().orElseThrow().toArray()[0],
                    image.slotsOutsideImage().first().orElseThrow());
        }
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            PageStore store = PageStore.of(ch);
            Invalidation.invalidate(store, 0);
            SwapArea swap = SwapArea.open(store, 0, 4096, dev.torpor.snapshot.api.KernelByteOrder.LITTLE);
            assertThatThrownBy(() -> FreeSlots.emptyOnly(swap)).isInstanceOf(FreeSlots.AreaHoldsData.class)
                    .hasMessageContaining("area page " + first + " (byte " + first * 4096 + ") holds data")
                    .satisfies(e -> assertThat(((FreeSlots.AreaHoldsData) e).page()).isEqualTo(first));
        }
    }

    @Test
    void anEmptyOnlyWriterTakesEveryPageOfAnEmptyAreaButTheBadOnes() throws Exception {
        Path area = tmp.resolve("empty.swap");
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            PageStore store = PageStore.of(ch);
            SwapArea.format(store, 0, 4096, dev.torpor.snapshot.api.KernelByteOrder.LITTLE, 64,
                    java.util.UUID.randomUUID(), "t");
            SwapArea swap = SwapArea.open(store, 0, 4096, dev.torpor.snapshot.api.KernelByteOrder.LITTLE);
            FreeSlots slots = FreeSlots.emptyOnly(swap);
            long given = 0;
            long expected = 1;
            try {
                while (true) {
                    assertThat(slots.allocate()).isEqualTo(expected++);
                    given++;
                }
            } catch (SlotAllocator.NoSpaceException e) {
                assertThat(e).hasMessageContaining("the swap area is full");
            }
            assertThat(given).isEqualTo(swap.header().lastPage());
        }
    }

    private Path copy(String name, String as) throws IOException {
        return Files.copy(Corpus.swap(name), tmp.resolve(as));
    }

    private static HibernationImage open(Path p, List<HibernationImage> opened) throws IOException {
        HibernationImage i = HibernationImage.open(p, ReadOptions.defaults());
        opened.add(i);
        return i;
    }

    private static long[] slots(Path area) throws IOException {
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            return image.slots().orElseThrow().toArray();
        }
    }

    private static TargetProfile target(Path p) throws IOException {
        try (HibernationImage image = HibernationImage.open(p, ReadOptions.defaults())) {
            return image.detection().orElseThrow().target();
        }
    }

    private static String streamDigest(Path p) throws Exception {
        try (HibernationImage image = HibernationImage.open(p, ReadOptions.defaults())) {
            return ImageWriterTest.digest(image.stream());
        }
    }

    /** Every page of the area but the header and {@code image}'s, with its number. */
    private static String outsideDigest(Path p, long[] image) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        java.util.Arrays.sort(image);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer page = ByteBuffer.allocate(4096);
            for (long n = 1; n < ch.size() / 4096; n++) {
                if (java.util.Arrays.binarySearch(image, n) >= 0) {
                    continue;
                }
                page.clear();
                ch.read(page, n * 4096);
                md.update(ByteBuffer.allocate(8).putLong(0, n));
                md.update(page.flip());
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
