package dev.torpor.image.io.write;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.EncryptedImage;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.read.PageSource;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.SnapshotStream;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.snapshot.api.TargetProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Torpor's encrypted kind on the real k612 stream: it reads back identically with the key, and a wrong key,
 * a flipped bit anywhere in a unit, swapped units, a dropped unit or a cut-off file are all detected before the
 * first page is handed out.
 */
class EncryptedImageTest {
    private static final int P = 4096;
    private static final byte[] KEY = new byte[32];

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static Path stream;
    private static String streamDigest;
    private static TargetProfile target;

    @BeforeAll
    static void streamOfARealImage() throws Exception {
        new Random(42).nextBytes(KEY);
        stream = shared.resolve("k612.stream");
        try (HibernationImage image = HibernationImage.open(Corpus.swap("k612-lzo"), ReadOptions.defaults());
             FileChannel out = FileChannel.open(stream, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            target = image.detection().orElseThrow().target();
            SnapshotStream s = image.stream();
            for (ByteBuffer p = s.next(); p != null; p = s.next()) {
                out.write(p);
            }
        }
        streamDigest = digest(StreamFile.open(stream, java.util.Optional.empty()));
    }

    private Path encrypted(KeyMaterial key, Compressor c) throws Exception {
        Path area = Areas.fresh(tmp.resolve("enc.swap"), 24576);
        try (StreamFile src = StreamFile.open(stream, java.util.Optional.empty());
             FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SwapArea swap = SwapArea.open(PageStore.of(ch), 0, P, target.byteOrder());
            ImageWriter.write(src, target, swap, FreeSlots.emptyOnly(swap), ImageWriter.Options.defaults()
                    .withCompressor(c).withEncryption(key).withKdfIterations(1000));
        }
        return area;
    }

    @ParameterizedTest
    @EnumSource(Compressor.class)
    void readsBackTheIdenticalStream(Compressor c) throws Exception {
        Path area = encrypted(KeyMaterial.rawKey(KEY), c);
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertThat(image.kind()).isEqualTo(ImageKind.TORPOR);
            assertThat(image.inspect(false).verdict()).isEqualTo(Verdict.ENCRYPTED);
            assertThat(image.problems()).isEmpty();
            EncryptedImage e = image.encrypted().orElseThrow();
            assertThat(e.header().compressor()).isEqualTo(c);
            assertThat(e.header().streamPages()).isEqualTo(14594);
            assertThat(e.verify(KeyMaterial.rawKey(KEY))).isEqualTo(457);
            assertThat(digest(e.pages(KeyMaterial.rawKey(KEY)))).isEqualTo(streamDigest);
        }
    }

    @Test
    void severalThreadsSealTheSameStream() throws Exception {
        Path area = Areas.fresh(tmp.resolve("threads.swap"), 24576);
        try (StreamFile src = StreamFile.open(stream, java.util.Optional.empty());
             FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SwapArea swap = SwapArea.open(PageStore.of(ch), 0, P, target.byteOrder());
            ImageWriter.write(src, target, swap, FreeSlots.emptyOnly(swap), ImageWriter.Options.defaults()
                    .withCompressor(Compressor.LZ4).withThreads(3).withEncryption(KeyMaterial.rawKey(KEY))
                    .withKdfIterations(1000));
        }
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertThat(digest(image.encrypted().orElseThrow().pages(KeyMaterial.rawKey(KEY)))).isEqualTo(streamDigest);
        }
    }

    /** The one entry point keeps what the kernel's kind has: progress, platform mode and the meters' registry. */
    @Test
    void encryptionIsAnOptionThatKeepsProgressPlatformModeAndMeters() throws Exception {
        Path area = Areas.fresh(tmp.resolve("options.swap"), 24576);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        long[] last = new long[2];
        ImageWriter.Result r;
        try (StreamFile src = StreamFile.open(stream, java.util.Optional.empty());
             FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SwapArea swap = SwapArea.open(PageStore.of(ch), 0, P, target.byteOrder());
            r = ImageWriter.write(src, target, swap, FreeSlots.emptyOnly(swap), ImageWriter.Options.defaults()
                    .withEncryption(KeyMaterial.rawKey(KEY)).withKdfIterations(1000).withPlatformMode(true)
                    .withRegistry(registry).withProgress((done, total, bytes) -> {
                        last[0] = done;
                        last[1] = total;
                    }));
        }
        assertThat(last).containsExactly(14594, 14594);
        // every stream page is sealed, its header page too (it names kernel addresses)
        assertThat(registry.get("torpor.write.pages").counter().count()).isEqualTo(14594);
        assertThat(r.pages()).isEqualTo(14594);
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ)) {
            java.nio.ByteBuffer page = java.nio.ByteBuffer.allocate(P).order(target.byteOrder().nio());
            ch.read(page, 0);
            long flags = Integer.toUnsignedLong(page.getInt(dev.torpor.swap.format.HeaderLayout.V5_17
                    .flagsOffset(P).orElseThrow()));
            assertThat(flags).isEqualTo(dev.torpor.swap.format.ImageFlags.PLATFORM);
        }
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertThat(image.inspect(false).verdict()).isEqualTo(Verdict.ENCRYPTED);
            assertThat(digest(image.encrypted().orElseThrow().pages(KeyMaterial.rawKey(KEY)))).isEqualTo(streamDigest);
        }
    }

    @Test
    void anEncryptedImageIsWrittenOnlyInTheLayoutTorporResumeReads() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ImageWriter.Options.defaults()
                .withLayout(dev.torpor.swap.format.HeaderLayout.V5_17, 4).withEncryption(KeyMaterial.rawKey(KEY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted kind");
    }

    @Test
    void passphrasesGoThroughPbkdf2() throws Exception {
        Path keyFile = Files.writeString(tmp.resolve("pass"), "correct horse battery staple\n");
        Path area = encrypted(KeyMaterial.fromFile(keyFile), Compressor.LZO);
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            EncryptedImage e = image.encrypted().orElseThrow();
            assertThat(e.header().kdf()).isEqualTo(1);
            assertThat(e.header().iterations()).isEqualTo(1000);
            assertThat(digest(e.pages(KeyMaterial.fromFile(keyFile)))).isEqualTo(streamDigest);
            assertNothingHandedOut(e, KeyMaterial.passphrase("correct horse battery stapler"), "unit 0 fails");
            assertNothingHandedOut(e, KeyMaterial.rawKey(KEY), "passphrase");
        }
    }

    /** PBKDF2 runs once per image: the same passphrase, salt and count give the key derived before. */
    @Test
    void aPassphraseKeyIsDerivedOncePerImage() throws Exception {
        KeyMaterial pass = KeyMaterial.passphrase("correct horse battery staple");
        byte[] salt = new byte[16];
        javax.crypto.spec.SecretKeySpec first = pass.key(dev.torpor.image.io.encrypted.TorporHeader.KDF_PBKDF2, 1000, salt);
        assertThat(pass.key(dev.torpor.image.io.encrypted.TorporHeader.KDF_PBKDF2, 1000, salt.clone())).isSameAs(first);
        byte[] other = salt.clone();
        other[0] = 1;
        javax.crypto.spec.SecretKeySpec second = pass.key(dev.torpor.image.io.encrypted.TorporHeader.KDF_PBKDF2, 1000, other);
        assertThat(second.getEncoded()).isNotEqualTo(first.getEncoded());
        assertThat(pass.key(dev.torpor.image.io.encrypted.TorporHeader.KDF_PBKDF2, 1001, other).getEncoded())
                .isNotEqualTo(second.getEncoded());
        assertThat(KeyMaterial.passphrase("correct horse battery staple")
                .key(dev.torpor.image.io.encrypted.TorporHeader.KDF_PBKDF2, 1000, salt).getEncoded())
                .as("derived the same way by another instance").isEqualTo(first.getEncoded());
    }

    @Test
    void aWrongKeyIsDetected() throws Exception {
        Path area = encrypted(KeyMaterial.rawKey(KEY), Compressor.LZO);
        byte[] other = KEY.clone();
        other[31] ^= 1;
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertNothingHandedOut(image.encrypted().orElseThrow(), KeyMaterial.rawKey(other), "unit 0 fails");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void aFlippedBitAnywhereIsDetected(long seed) throws Exception {
        Path area = encrypted(KeyMaterial.rawKey(KEY), Compressor.LZO);
        List<long[]> units = units(area);
        Random rnd = new Random(seed);
        long[] u = units.get(rnd.nextInt(units.size()));
        long at = u[0] * P + rnd.nextInt((int) Math.min(P, 4 + u[1])); // length field, ciphertext or tag
        flip(area, at, rnd.nextInt(8));
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertNothingHandedOut(image.encrypted().orElseThrow(), KeyMaterial.rawKey(KEY), "unit");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 17, 40, 52, 70, 100, 127})
    void anAlteredHeaderPageIsDetected(int offset) throws Exception {
        Path area = encrypted(KeyMaterial.rawKey(KEY), Compressor.LZO);
        long headerSlot = entries(area).get(0);
        flip(area, headerSlot * P + offset, 3);
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertThatThrownBy(() -> image.encrypted().orElseThrow().pages(KeyMaterial.rawKey(KEY)))
                    .isInstanceOf(ImageFormatException.class);
        }
    }

    @Test
    void swappedUnitsAreDetected() throws Exception {
        Path area = encrypted(KeyMaterial.rawKey(KEY), Compressor.NONE); // equal-sized units: swappable
        List<Long> entries = entries(area);
        // units of 33 pages start at entries 1, 34, 67, ...: swap the map entries of units 2 and 3
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 33; i++) {
                long a = entryOffset(ch, 1 + 2 * 33 + i);
                long b = entryOffset(ch, 1 + 3 * 33 + i);
                long va = read(ch, a);
                long vb = read(ch, b);
                write(ch, a, vb);
                write(ch, b, va);
            }
        }
        assertThat(entries).hasSizeGreaterThan(200);
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertNothingHandedOut(image.encrypted().orElseThrow(), KeyMaterial.rawKey(KEY), "unit 2 fails");
        }
    }

    @Test
    void aDroppedLastUnitOrACutFileIsDetected() throws Exception {
        Path area = encrypted(KeyMaterial.rawKey(KEY), Compressor.LZO);
        List<long[]> units = units(area);
        long[] last = units.get(units.size() - 1);
        List<Long> entries = entries(area);
        int lastFirstEntry = entries.indexOf(last[0]);
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int i = lastFirstEntry; i < entries.size(); i++) {
                write(ch, entryOffset(ch, i), 0);
            }
        }
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            assertNothingHandedOut(image.encrypted().orElseThrow(), KeyMaterial.rawKey(KEY), "truncated");
        }
        Path cut = encrypted(KeyMaterial.rawKey(KEY), Compressor.LZO);
        long lastSlot = units(cut).get(units.size() - 1)[0];
        try (FileChannel ch = FileChannel.open(cut, StandardOpenOption.WRITE)) {
            ch.truncate(lastSlot * P + 100);
        }
        try (HibernationImage image = HibernationImage.open(cut, ReadOptions.defaults())) {
            assertThatThrownBy(() -> image.encrypted().orElseThrow().pages(KeyMaterial.rawKey(KEY)))
                    .isInstanceOf(ImageFormatException.class);
        }
    }

    private static void assertNothingHandedOut(EncryptedImage e, KeyMaterial key, String message) {
        assertThatThrownBy(() -> e.pages(key)).isInstanceOf(ImageFormatException.class).hasMessageContaining(message);
    }

    /** (first slot, ciphertext length) of every unit, parsed here from the map. */
    static List<long[]> units(Path area) throws Exception {
        List<Long> e = entries(area);
        List<long[]> units = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ)) {
            for (int i = 1; i < e.size(); ) {
                ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(b, e.get(i) * P);
                long len = Integer.toUnsignedLong(b.getInt(0));
                units.add(new long[] {e.get(i), len});
                i += (int) ((4 + len + P - 1) / P);
            }
        }
        return units;
    }

    static List<Long> entries(Path area) throws Exception {
        List<Long> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.READ)) {
            for (long map = read(ch, P - 32); map != 0; map = read(ch, map * P + P - 8)) {
                for (int i = 0; i < 511; i++) {
                    long v = read(ch, map * P + 8L * i);
                    if (v != 0) {
                        out.add(v);
                    }
                }
            }
        }
        return out;
    }

    private static long entryOffset(FileChannel ch, int entry) throws Exception {
        long map = read(ch, P - 32);
        for (int k = 0; k < entry / 511; k++) {
            map = read(ch, map * P + P - 8);
        }
        return map * P + 8L * (entry % 511);
    }

    private static long read(FileChannel ch, long at) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, at);
        return b.getLong(0);
    }

    private static void write(FileChannel ch, long at, long v) throws Exception {
        ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v), at);
    }

    private static void flip(Path file, long at, int bit) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ (1 << bit)));
            ch.write(b.clear(), at);
        }
    }

    static String digest(PageSource s) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        long n = 0;
        for (ByteBuffer p = s.next(); p != null; p = s.next()) {
            md.update(p);
            n++;
        }
        return n + ":" + HexFormat.of().formatHex(md.digest());
    }
}
