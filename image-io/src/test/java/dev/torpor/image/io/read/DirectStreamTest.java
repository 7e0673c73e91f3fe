package dev.torpor.image.io.read;

import dev.torpor.image.io.ImageFormatException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A stream read through the direct window ({@code O_DIRECT}, as torpor resume reads) gives exactly the pages of the
 * buffered reads, with the kernel's CRC32 checked at its end; a source cut short is reported as damage at its end, and
 * a source that cannot be opened so leaves the buffered reads in place.
 */
class DirectStreamTest {
    @TempDir
    Path tmp;

    static java.util.List<String> names() {
        return Corpus.NAMES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void theDirectWindowGivesTheSameStream(String name) throws Exception {
        String buffered;
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults())) {
            buffered = digest(image.stream());
        }
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults())) {
            assertThat(image.readStreamDirectly(direct(Corpus.swap(name)))).as("O_DIRECT on the build's file system")
                    .isTrue();
            SnapshotStream s = image.stream();
            assertThat(digest(s)).isEqualTo(buffered);
            assertThat(s.timing().readNanos()).isPositive();
            // the wait is timed on the window's reading thread, the read on this one: under load (two builds on
            // two cores) the wait can come out longer, so only its sign is behaviour; the figures are the report's
            assertThat(s.timing().readWaitNanos()).isNotNegative();
        }
    }

    /**
     * With a platform's direct decoder (here its Java stand-in), the window's units are decoded in batches where they
     * lie, and the stream is the same, its CRC32 checked; damage in a unit in the middle is named at that unit's byte.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"k61-lzo", "k612-lzo"})
    void batchesDecodedInTheWindowGiveTheSameStream(String name) throws Exception {
        String buffered;
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults())) {
            buffered = digest(image.stream());
        }
        dev.torpor.image.io.codec.StandInDirectDecoder.with(() -> {
            long before = dev.torpor.image.io.codec.StandInDirectDecoder.UNITS.get();
            try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults())) {
                assertThat(image.readStreamDirectly(direct(Corpus.swap(name)))).isTrue();
                SnapshotStream s = image.stream();
                assertThat(digest(s)).isEqualTo(buffered);
                assertThat(s.timing().crcInDecode()).isTrue();
            }
            assertThat(dev.torpor.image.io.codec.StandInDirectDecoder.UNITS.get() - before).isGreaterThan(400);
            // a data page in the middle damaged: the batches find it at the byte the buffered reads name
            Path copy = tmp.resolve(name + ".damaged");
            java.nio.file.Files.copy(Corpus.swap(name), copy);
            damageADataPage(copy);
            ImageFormatException batched = readingFails(copy, true);
            dev.torpor.image.io.codec.UnitCodecs.uninstall(dev.torpor.image.io.codec.Compressor.LZO);
            ImageFormatException plain = readingFails(copy, false);
            assertThat(batched.offset()).isEqualTo(plain.offset());
            assertThat(batched.getMessage()).startsWith(plain.getMessage().replaceAll("\\(.*", ""));
        });
    }

    private static ImageFormatException readingFails(Path copy, boolean direct) throws Exception {
        try (HibernationImage image = HibernationImage.open(copy, ReadOptions.defaults())) {
            if (direct) {
                assertThat(image.readStreamDirectly(direct(copy))).isTrue();
            }
            SnapshotStream s = image.stream();
            try {
                while (s.next() != null) {
                    // read on
                }
            } catch (ImageFormatException e) {
                return e;
            }
        }
        throw new AssertionError("the damaged copy read without an error");
    }

    /** Garbage over a data page two thirds into the area (a map page is put back and the next one tried). */
    private static void damageADataPage(Path copy) throws Exception {
        long[] slots;
        try (HibernationImage image = HibernationImage.open(copy, ReadOptions.defaults())) {
            slots = image.slots().orElseThrow().toArray();
        }
        java.util.Arrays.sort(slots);
        byte[] garbage = new byte[4096];
        new java.util.Random(5).nextBytes(garbage);
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int i = slots.length * 2 / 3; i < slots.length; i++) {
                ByteBuffer old = ByteBuffer.allocate(4096);
                ch.read(old, slots[i] * 4096);
                ch.write(ByteBuffer.wrap(garbage), slots[i] * 4096);
                try (HibernationImage image = HibernationImage.open(copy, ReadOptions.defaults())) {
                    if (image.inspect(true).verdict() == Verdict.VALID) {
                        return;
                    }
                }
                ch.write(old.flip(), slots[i] * 4096);
            }
        }
        throw new AssertionError("no data page found to damage");
    }

    /**
     * The window itself: pages come back byte for byte whichever page moves it; past the end of the source (size
     * known, or unknown as a block device's can be) the read is damage at the byte where the source ends.
     */
    @Test
    void theWindowReadsPagesAndReportsTheEndOfTheSource() throws Exception {
        int p = 4096;
        int pages = 3 * DirectWindow.WINDOW_BYTES / p + 10;
        byte[] data = new byte[pages * p];
        new java.util.Random(5).nextBytes(data);
        Path file = Files.write(tmp.resolve("area"), data);
        for (long size : new long[] {data.length, -1}) {
            try (DirectWindow w = DirectWindow.open(direct(file), size, p).orElseThrow()) {
                byte[] page = new byte[p];
                for (int i : new int[] {3, 0, pages - 1, 5, pages - 10, 1}) {
                    w.copy(i, page, 0);
                    assertThat(page).as("page %d, size %d", i, size)
                            .isEqualTo(java.util.Arrays.copyOfRange(data, i * p, (i + 1) * p));
                }
                // front to back, and on from pages inside the window (a unit straddling its end): the pages read
                // ahead, with the window's last ones carried over
                for (int i = 0; i < pages; i++) {
                    if (i % 50 == 49 && !w.holds(i + 60)) {
                        w.moveTo(i);
                    }
                    w.copy(i, page, 0);
                    assertThat(page).as("page %d in order, size %d", i, size)
                            .isEqualTo(java.util.Arrays.copyOfRange(data, i * p, (i + 1) * p));
                }
                assertThatThrownBy(() -> w.copy(pages, page, 0)).isInstanceOf(ImageFormatException.class)
                        .hasMessageContaining("the source ends at byte " + data.length)
                        .matches(e -> ((ImageFormatException) e).offset() == (long) data.length, "at the end");
            }
        }
    }

    /** A descriptor that cannot read (here: opened for writing only) leaves the buffered reads in place, and is closed. */
    @Test
    void aDescriptorThatCannotReadKeepsTheBufferedReads() throws Exception {
        Path copy = tmp.resolve("copy.swap");
        Files.copy(Corpus.swap("k612-lzo"), copy);
        FileChannel writeOnly = FileChannel.open(copy, StandardOpenOption.WRITE);
        try (HibernationImage image = HibernationImage.open(copy, ReadOptions.defaults())) {
            assertThat(image.readStreamDirectly(writeOnly)).isFalse();
            assertThat(writeOnly.isOpen()).isFalse();
            assertThat(digest(image.stream())).isNotEmpty();
        }
    }

    private static FileChannel direct(Path path) throws java.io.IOException {
        return FileChannel.open(path, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT);
    }

    private static String digest(SnapshotStream stream) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (ByteBuffer page = stream.next(); page != null; page = stream.next()) {
            sha.update(page);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
