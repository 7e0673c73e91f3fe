package dev.torpor.image.io.write;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.SyntheticImage;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.snapshot.api.TargetProfile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store that fails at the k-th write (cleanly, or after writing half the buffer) or at the k-th fsync:
 * afterwards the area is a plain swap area or holds a valid image — never a signature over incomplete data.
 */
class CrashSafetyTest {

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    /** Fails the k-th write or force. */
    static final class FaultyStore implements PageStore {
        final PageStore inner;
        final long failWriteAt;
        final long failForceAt;
        final boolean torn;
        long writes;
        long forces;

        FaultyStore(PageStore inner, long failWriteAt, long failForceAt, boolean torn) {
            this.inner = inner;
            this.failWriteAt = failWriteAt;
            this.failForceAt = failForceAt;
            this.torn = torn;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            if (++writes == failWriteAt) {
                if (torn) {
                    ByteBuffer half = src.duplicate();
                    half.limit(half.position() + half.remaining() / 2);
                    inner.write(half, position);
                }
                throw new IOException("injected write failure #" + writes);
            }
            inner.write(src, position);
        }

        @Override
        public void read(ByteBuffer dst, long position) throws IOException {
            inner.read(dst, position);
        }

        @Override
        public void force() throws IOException {
            if (++forces == failForceAt) {
                throw new IOException("injected fsync failure #" + forces);
            }
            inner.force();
        }
    }

    static Stream<Arguments> faults() {
        List<Arguments> a = new ArrayList<>();
        for (Compressor c : new Compressor[] {Compressor.NONE, Compressor.LZO}) {
            for (long k : new long[] {1, 2, 3, 5, 17, 100, 333, 511, 512, 513, 700, 1023, 1024, 1025, 1100, 1998, 1999,
                2000, 2001, 2002, 2003, 2004, 2005, 5000}) {
                a.add(Arguments.of(c, k, -1L, false));
                a.add(Arguments.of(c, k, -1L, true));
            }
            for (long f = 1; f <= 3; f++) {
                a.add(Arguments.of(c, -1L, f, false));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}: write {1} force {2} torn {3}")
    @MethodSource("faults")
    void theAreaIsPlainOrHoldsAValidImage(Compressor c, long failWrite, long failForce, boolean torn) throws Exception {
        Path stream = streamFile();
        Path area = Areas.fresh(tmp.resolve("area.swap"), 4096);
        boolean failed = false;
        try (StreamFile source = StreamFile.open(stream, java.util.Optional.empty());
             FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TargetProfile t = source.target();
            FaultyStore store = new FaultyStore(PageStore.of(ch), failWrite, failForce, torn);
            SwapArea swap = SwapArea.open(store, 0, 4096, t.byteOrder());
            ImageWriter.write(source, t, swap, FreeSlots.emptyOnly(swap), ImageWriter.Options.defaults()
                    .withCompressor(c));
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("injected");
            failed = true;
        }
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            Inspection i = image.inspect(false);
            if (failed && failForce == 2) {
                // the signature page was written and only its fsync failed: either outcome is consistent
                assertThat(i.verdict()).as(i.problems().toString()).isIn(Verdict.NO_IMAGE, Verdict.VALID);
            } else if (failed) {
                assertThat(i.verdict()).as(i.problems().toString()).isEqualTo(Verdict.NO_IMAGE);
                assertThat(i.swap().orElseThrow().magic().label()).isEqualTo("SWAPSPACE2");
            } else {
                assertThat(i.verdict()).as(i.problems().toString()).isEqualTo(Verdict.VALID);
            }
        }
    }

    /**
     * Something (a {@code swapon}, a {@code mkswap}) takes the area while the pages are written: the swap magic is
     * gone when the signature page is due. Neither writer may sign over what it cannot vouch for.
     */
    @ParameterizedTest(name = "encrypted {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void neitherWriterSignsWhenTheSwapSignatureDisappearedWhileWriting(boolean encrypted) throws Exception {
        Path stream = streamFile();
        Path area = Areas.fresh(tmp.resolve("area.swap"), 4096);
        try (StreamFile source = StreamFile.open(stream, java.util.Optional.empty());
             FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TargetProfile t = source.target();
            PageStore plain = PageStore.of(ch);
            boolean[] clobbered = {false};
            PageStore store = Areas.watched(plain, n -> { }, () -> {
                if (!clobbered[0]) {
                    clobbered[0] = true;
                    try {
                        plain.write(ByteBuffer.wrap("CLOBBERED!".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                                4096 - 10);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            SwapArea swap = SwapArea.open(store, 0, 4096, t.byteOrder());
            org.assertj.core.api.ThrowableAssert.ThrowingCallable write = encrypted
                    ? () -> ImageWriter.write(source, t, swap, FreeSlots.emptyOnly(swap), ImageWriter.Options.defaults()
                            .withCompressor(Compressor.LZ4).withKdfIterations(1000)
                            .withEncryption(dev.torpor.image.io.encrypted.KeyMaterial.rawKey(new byte[32])))
                    : () -> ImageWriter.write(source, t, swap, FreeSlots.emptyOnly(swap), ImageWriter.Options.defaults());
            org.assertj.core.api.Assertions.assertThatThrownBy(write)
                    .isInstanceOf(dev.torpor.image.io.ImageFormatException.class)
                    .hasMessageContaining("the swap signature disappeared while writing");
            assertThat(clobbered[0]).isTrue();
        }
        byte[] sig = new byte[10];
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ)) {
            ch.read(ByteBuffer.wrap(sig), 4096 - 10);
        }
        assertThat(new String(sig, java.nio.charset.StandardCharsets.US_ASCII)).as("no image signature was written")
                .isEqualTo("CLOBBERED!");
    }

    /** A 2000-page stream (synthetic image read back), written once for all cases. */
    private static synchronized Path streamFile() throws Exception {
        Path stream = shared.resolve("stream.bin");
        if (!Files.exists(stream)) {
            SyntheticImage s = new SyntheticImage();
            s.pfnCount = 1990;
            Path img = shared.resolve("source.swap");
            s.write(img);
            try (HibernationImage image = HibernationImage.open(img, ReadOptions.defaults());
                 FileChannel out = FileChannel.open(stream, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                var st = image.stream();
                for (ByteBuffer p = st.next(); p != null; p = st.next()) {
                    out.write(p);
                }
            }
        }
        return stream;
    }
}
