package dev.torpor.image.io.read;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages outside an image that hold data, on the real images: the 6.1 guests (256 MiB) swapped before they
 * hibernated, so their areas hold the swapped-out memory their systems read back after the resume. The expected
 * pages come from a plain reading of the area here (the swsusp header, the chain of map pages, every page), written
 * apart from the reader's own code.
 */
class SlotsOutsideTest {

    @ParameterizedTest
    @ValueSource(strings = {"k61-lzo", "k61-nocompress", "k612-lzo"})
    void theSwappedOutPagesAreCountedAndHandedOutInOrder(String name) throws Exception {
        Path swap = Corpus.swap(name);
        List<Long> expected = plainReading(swap);
        List<Long> seen = new ArrayList<>();
        SlotsOutside s;
        try (HibernationImage image = HibernationImage.open(swap, ReadOptions.defaults())) {
            s = image.slotsOutsideImage((page, data) -> {
                assertThat(data.remaining()).isEqualTo(4096);
                boolean zero = true;
                while (data.hasRemaining()) {
                    zero &= data.get() == 0;
                }
                assertThat(zero).as("page %d holds data", page).isFalse();
                seen.add(page);
            });
            assertThat(image.slots()).isPresent();
            assertThat(image.slots().get().count()).isEqualTo(image.map().orElseThrow().storedPages()
                    + image.map().get().mapPages());
        }
        assertThat(seen).isEqualTo(expected);
        assertThat(s.count()).isEqualTo(expected.size());
        assertThat(s.imageSlotsKnown()).isTrue();
        assertThat(s.pagesScanned()).isEqualTo(98303);
        if (!name.equals("k612-lzo")) {
            assertThat(s.count()).as("the 6.1 guests swapped").isGreaterThan(1000);
            assertThat(s.first()).hasValue(1);
        } else {
            assertThat(s.count()).isZero();
            assertThat(s.first()).isEmpty();
        }
    }

    /**
     * A plain swap area (the image invalidated: the signature put back, the data left) has no image, so every page that
     * holds data is outside one: the old image's pages and the swapped-out ones alike.
     */
    @org.junit.jupiter.api.Test
    void aPlainSwapAreaCountsEveryPageThatHoldsData(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path plain = tmp.resolve("plain.swap");
        java.nio.file.Files.copy(Corpus.swap("k612-lzo"), plain);
        try (RandomAccessFile f = new RandomAccessFile(plain.toFile(), "rw")) {
            f.seek(4086);
            f.write("SWAPSPACE2".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        long expected;
        try (RandomAccessFile f = new RandomAccessFile(plain.toFile(), "r")) {
            long last = Integer.toUnsignedLong(page(f, 0).getInt(1024 + 4));
            expected = 0;
            for (long p = 1; p <= last; p++) {
                ByteBuffer d = page(f, p);
                for (int i = 0; i < 4096; i += 8) {
                    if (d.getLong(i) != 0) {
                        expected++;
                        break;
                    }
                }
            }
        }
        try (HibernationImage image = HibernationImage.open(plain, ReadOptions.defaults())) {
            assertThat(image.kind()).isEqualTo(ImageKind.NONE);
            SlotsOutside s = image.slotsOutsideImage();
            assertThat(expected).as("the old image's pages are still there").isGreaterThan(1000);
            assertThat(s.count()).isEqualTo(expected);
            assertThat(s.imageSlotsKnown()).isTrue();
            assertThat(s.pagesScanned()).isEqualTo(98303);
        }
    }

    /** The pages 1..last_page that hold data and are neither a map page nor listed in one. */
    static List<Long> plainReading(Path swap) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(swap.toFile(), "r")) {
            ByteBuffer h = page(f, 0);
            long last = Integer.toUnsignedLong(h.getInt(1024 + 4));
            long map = h.getLong(4064); // swsusp_header.image, before flags, orig_sig and sig
            Set<Long> image = new HashSet<>();
            while (map != 0) {
                image.add(map);
                ByteBuffer m = page(f, map);
                for (int i = 0; i < 511; i++) {
                    long e = m.getLong(i * 8);
                    if (e != 0) {
                        image.add(e);
                    }
                }
                map = m.getLong(511 * 8);
            }
            List<Long> out = new ArrayList<>();
            for (long p = 1; p <= last; p++) {
                if (image.contains(p)) {
                    continue;
                }
                ByteBuffer d = page(f, p);
                for (int i = 0; i < 4096; i += 8) {
                    if (d.getLong(i) != 0) {
                        out.add(p);
                        break;
                    }
                }
            }
            return out;
        }
    }

    private static ByteBuffer page(RandomAccessFile f, long index) throws Exception {
        byte[] b = new byte[4096];
        f.seek(index * 4096);
        f.readFully(b);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }
}
