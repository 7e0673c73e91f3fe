package dev.torpor.tools;

import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.codec.Lzo1x1Compressor;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.SnapshotStream;
import dev.torpor.platform.linux.NativeCrc32;
import dev.torpor.platform.linux.NativeLzo;
import dev.torpor.image.io.codec.Crc32Le;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JNI library's LZO1X-1 writes exactly the bytes of the Java one (which the kernel's own units prove): on every
 * 32-page unit of the real kernels' streams in the corpus, and on seeded inputs of every kind and awkward length. Its
 * decompressor gives those units back, and on damaged data (seeded mutations of real units) it never accepts what
 * aircompressor's bounds-checked decoder refuses, never gives other bytes, and never writes outside its range.
 * The build makes the library wherever gcc is, as on every machine the test command runs on.
 */
class NativeLzoTest {
    private static NativeLzo lzo;

    @BeforeAll
    static void load() {
        assertThat(NativeLzo.unavailabilityCause()).as("the JNI library loads").isEmpty();
        lzo = NativeLzo.load().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"k61-lzo", "k612-lzo", "k61-nocompress"})
    void compressesTheKernelsStreamsToTheSameBytesAsTheJavaCompressor(String name) throws Exception {
        Lzo1x1Compressor java = new Lzo1x1Compressor();
        byte[] unit = new byte[32 * 4096];
        byte[] a = new byte[Lzo1x1Compressor.maxCompressedLength(unit.length)];
        byte[] b = new byte[a.length];
        long units = 0;
        long running = 0;
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults());
             SnapshotStream stream = image.stream()) {
            int filled = 0;
            for (ByteBuffer page = stream.next(); ; page = stream.next()) {
                if (page != null) {
                    page.get(unit, filled, 4096);
                    filled += 4096;
                }
                if (filled == unit.length || (page == null && filled > 0)) {
                    int n = java.compress(unit, 0, filled, a, 0, a.length);
                    int m = lzo.compress(unit, 0, filled, b, 0, b.length);
                    assertThat(Arrays.copyOf(b, m)).as("unit %d of %s", units, name).isEqualTo(Arrays.copyOf(a, n));
                    byte[] back = new byte[filled];
                    assertThat(lzo.decompress(a, 0, n, back, 0, back.length)).isEqualTo(filled);
                    assertThat(back).as("unit %d of %s decoded", units, name).isEqualTo(Arrays.copyOf(unit, filled));
                    // between direct buffers, the kernel's CRC32 carried from the stream's so far
                    ByteBuffer in = ByteBuffer.allocateDirect(n + 3).put(3, a, 0, n);
                    ByteBuffer out = ByteBuffer.allocateDirect(unit.length + 8);
                    long r = lzo.decompressWithCrc(in, 3, n, out, 8, unit.length, (int) running);
                    byte[] direct = new byte[filled];
                    out.get(8, direct);
                    assertThat(r >>> 32).isEqualTo(filled);
                    assertThat(direct).as("unit %d of %s decoded directly", units, name).isEqualTo(back);
                    running = Crc32Le.combine(running, Crc32Le.of(back, 0, filled), filled);
                    assertThat(Integer.toUnsignedLong((int) r)).as("crc32_le carried over unit %d", units)
                            .isEqualTo(running);
                    units++;
                    filled = 0;
                }
                if (page == null) {
                    break;
                }
            }
        }
        assertThat(units).isGreaterThan(400);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 2026})
    void seededInputsGiveTheSameBytes(long seed) {
        Random rnd = new Random(seed);
        Lzo1x1Compressor java = new Lzo1x1Compressor();
        for (int len : new int[] {0, 1, 2, 3, 4, 17, 20, 21, 22, 238, 239, 4096, 49151, 49152, 49153, 98304, 131072}) {
            byte[] in = new byte[len + 7];
            switch (rnd.nextInt(5)) {
                case 0 -> rnd.nextBytes(in);
                case 1 -> { } // zeros: the longest matches
                case 2 -> { for (int i = 0; i < in.length; i++) { in[i] = (byte) "hibernate ".charAt(i % 10); } }
                case 3 -> { for (int i = 0; i < in.length; i++) { in[i] = (byte) (i % 300 < 290 ? 0 : rnd.nextInt()); } }
                default -> { for (int i = 0; i < in.length; i++) { in[i] = (byte) (rnd.nextInt(8) == 0 ? rnd.nextInt() : i / 97); } }
            }
            int off = rnd.nextInt(8);
            byte[] a = new byte[Lzo1x1Compressor.maxCompressedLength(len) + 5];
            byte[] b = new byte[a.length];
            int n = java.compress(in, off, len, a, 5, a.length - 5);
            int m = lzo.compress(in, off, len, b, 5, b.length - 5);
            assertThat(Arrays.copyOfRange(b, 5, 5 + m)).as("seed %d, %d bytes", seed, len)
                    .isEqualTo(Arrays.copyOfRange(a, 5, 5 + n));
        }
    }

    /**
     * A batch in one call: the units of a real stream, laid one after another in a buffer, decode to what they decode
     * to one by one, the CRC carried over all of them; a malformed unit stops the batch there, with its input offset.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 5, 16})
    void aBatchDecodesAsTheUnitsDoOneByOne(int count) throws Exception {
        Lzo1x1Compressor java = new Lzo1x1Compressor();
        byte[] unit = new byte[32 * 4096];
        ByteBuffer in = ByteBuffer.allocateDirect(count * 140_000);
        int[] offsets = new int[count];
        int[] lengths = new int[count];
        byte[] expected = new byte[count * unit.length];
        try (HibernationImage image = HibernationImage.open(Corpus.swap("k61-lzo"), ReadOptions.defaults());
             SnapshotStream stream = image.stream()) {
            int at = 7;
            for (int k = 0; k < count; k++) {
                for (int i = 0; i < 32; i++) {
                    stream.next().get(unit, i * 4096, 4096);
                }
                byte[] c = new byte[Lzo1x1Compressor.maxCompressedLength(unit.length)];
                int n = java.compress(unit, 0, unit.length, c, 0, c.length);
                in.put(at, c, 0, n);
                offsets[k] = at;
                lengths[k] = n;
                at += n + 3;
                System.arraycopy(unit, 0, expected, k * unit.length, unit.length);
            }
        }
        ByteBuffer out = ByteBuffer.allocateDirect(count * unit.length);
        int[] got = lengths.clone();
        long r = lzo.decodeUnits(in, offsets, got, count, out, unit.length, 0x1234);
        assertThat(r >>> 32).isEqualTo(count);
        assertThat(got).containsOnly(unit.length);
        byte[] all = new byte[expected.length];
        out.get(0, all);
        assertThat(all).isEqualTo(expected);
        assertThat(Integer.toUnsignedLong((int) r))
                .isEqualTo(Crc32Le.combine(0x1234, Crc32Le.of(expected, 0, expected.length), expected.length));
        // the last unit made malformed: the others decode, it is named
        int bad = count - 1;
        in.put(offsets[bad] + lengths[bad] - 3, (byte) 0x12);
        got = lengths.clone();
        r = lzo.decodeUnits(in, offsets, got, count, out, unit.length, 0);
        assertThat(r >>> 32).isEqualTo(bad);
        assertThat(got[bad]).isNegative();
        assertThat(-(long) got[bad] - 1).isBetween(0L, (long) lengths[bad]);
    }

    /**
     * The walk to a batch's units in C is image-io's reference walk (its Java default): the same units, offsets,
     * lengths, entries used and reason to stop, on seeded windows of units with every kind of trouble (entries running
     * out, units outside the window, scattered pages, lengths out of range, missing end markers), both word sizes and
     * byte orders.
     */
    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33, 34, 35, 36, 37, 38})
    void theNativeWalkIsTheReferenceWalk(long seed) {
        Random rnd = new Random(seed);
        dev.torpor.image.io.codec.Compressor.DirectUnitDecoder reference = (in, inOff, inLen, out, outOff, outCap, c) -> 0;
        int page = 4096;
        for (int trial = 0; trial < 300; trial++) {
            int word = rnd.nextBoolean() ? 8 : 4;
            boolean big = rnd.nextInt(4) == 0;
            int pages = 1 + rnd.nextInt(128);
            long first = 1000 + rnd.nextInt(1000);
            ByteBuffer window = ByteBuffer.allocateDirect(128 * page);
            long[] slots = new long[600];
            int n = 0;
            long at = first - (rnd.nextInt(8) == 0 ? 3 : 0);
            while (n < slots.length - 40) {
                long cmp = rnd.nextInt(10) == 0 ? rnd.nextInt(3) * 300_000L : 1 + rnd.nextInt(40_000);
                int unitPages = (int) Math.max(1, Math.min(40, (cmp + word + page - 1) / page));
                if (at >= first && at < first + pages) {
                    int base = (int) (at - first) * page;
                    for (int i = 0; i < word; i++) {
                        window.put(base + i, (byte) (cmp >>> (8 * (big ? word - 1 - i : i))));
                    }
                    long end = base + word + cmp;
                    if (end <= (long) pages * page && end >= 3 && rnd.nextInt(8) != 0) {
                        window.put((int) end - 3, (byte) 0x11).put((int) end - 2, (byte) 0).put((int) end - 1, (byte) 0);
                    }
                }
                for (int i = 0; i < unitPages; i++) {
                    slots[n++] = at + i + (rnd.nextInt(200) == 0 ? 7 : 0);
                }
                at += unitPages;
            }
            int from = rnd.nextInt(3);
            int to = from + rnd.nextInt(n - from + 1);
            int atUnit = rnd.nextInt(3);
            int max = atUnit + rnd.nextInt(20);
            long maxCmp = 1 + rnd.nextInt(200_000);
            boolean lzoMarker = rnd.nextBoolean();
            int[] offA = new int[32];
            int[] lenA = new int[32];
            int[] resA = new int[4];
            int[] offB = new int[32];
            int[] lenB = new int[32];
            int[] resB = new int[4];
            reference.collectUnits(window, first, pages, page, slots, from, to, word, big, maxCmp, lzoMarker, atUnit,
                    max, offA, lenA, resA);
            lzo.collectUnits(window, first, pages, page, slots, from, to, word, big, maxCmp, lzoMarker, atUnit, max,
                    offB, lenB, resB);
            assertThat(resB).as("trial %d", trial).containsExactly(resA);
            assertThat(offB).as("trial %d", trial).containsExactly(offA);
            assertThat(lenB).as("trial %d", trial).containsExactly(lenA);
        }
    }

    /**
     * A resume's read through JNI: installed as torpor resume installs it, the walk and the decoding of the O_DIRECT
     * window's batches give the buffered stream page for page, and its CRC32 checks at the end.
     */
    @ParameterizedTest
    @ValueSource(strings = {"k61-lzo", "k612-lzo"})
    void theWindowsBatchesThroughJniGiveTheStream(String name) throws Exception {
        java.security.MessageDigest plain = java.security.MessageDigest.getInstance("SHA-256");
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults());
             SnapshotStream stream = image.stream()) {
            for (ByteBuffer page = stream.next(); page != null; page = stream.next()) {
                plain.update(page);
            }
        }
        assertThat(dev.torpor.hibernation.NativeCodecs.install()).contains("JNI");
        try {
            java.security.MessageDigest batched = java.security.MessageDigest.getInstance("SHA-256");
            try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults())) {
                assertThat(image.readStreamDirectly(java.nio.channels.FileChannel.open(Corpus.swap(name),
                        java.nio.file.StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT))).isTrue();
                SnapshotStream stream = image.stream();
                for (ByteBuffer page = stream.next(); page != null; page = stream.next()) {
                    batched.update(page);
                }
                assertThat(stream.timing().crcInDecode()).isTrue();
            }
            assertThat(batched.digest()).isEqualTo(plain.digest());
        } finally {
            dev.torpor.image.io.codec.UnitCodecs.uninstall(dev.torpor.image.io.codec.Compressor.LZO);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25})
    void theNativeCrc32IsTheKernelsCarriedFromAnySeed(long seed) {
        Random rnd = new Random(seed);
        NativeCrc32 crc = NativeCrc32.load().orElseThrow();
        byte[] bytes = new byte[70000];
        rnd.nextBytes(bytes);
        for (int trial = 0; trial < 200; trial++) {
            int off = rnd.nextInt(64);
            int len = trial < 20 ? trial : rnd.nextInt(bytes.length - off);
            long from = trial % 3 == 0 ? 0 : Integer.toUnsignedLong(rnd.nextInt());
            long expected = Crc32Le.combine(from, Crc32Le.of(bytes, off, len), len);
            assertThat(Integer.toUnsignedLong(crc.update((int) from, bytes, off, len))).as("%d bytes from %d", len, off)
                    .isEqualTo(expected);
        }
    }

    /**
     * Installed as the checksum over arrays (where it runs faster than the JDK's), the C checksum gives every
     * {@link Crc32Le} what the JDK's intrinsic gives: chained updates, buffers between them, one-shot sums.
     */
    @ParameterizedTest
    @ValueSource(longs = {41, 42, 43})
    void installedTheCChecksumGivesTheJdksSums(long seed) {
        Random rnd = new Random(seed);
        byte[] bytes = new byte[300_000];
        rnd.nextBytes(bytes);
        long[] expected = new long[3];
        long[] got = new long[3];
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                NativeCrc32 n = NativeCrc32.load().orElseThrow();
                Crc32Le.install(n::update);
            }
            try {
                Random cuts = new Random(seed);
                Crc32Le c = new Crc32Le();
                for (int at = 0; at < bytes.length; ) {
                    int len = Math.min(bytes.length - at, cuts.nextInt(70_000));
                    if (cuts.nextInt(4) == 0) {
                        c.update(ByteBuffer.wrap(bytes, at, len));
                    } else {
                        c.update(bytes, at, len);
                    }
                    at += len;
                }
                long[] r = round == 0 ? expected : got;
                r[0] = c.value();
                r[1] = c.length();
                r[2] = Crc32Le.of(bytes, 17, 123_456, new java.util.zip.CRC32());
            } finally {
                Crc32Le.uninstall();
            }
        }
        assertThat(got).containsExactly(expected);
        assertThat(expected[2]).isEqualTo(Crc32Le.of(bytes, 17, 123_456));
    }

    /** Bytes no decoder writes here, to see that nothing is written outside a range. */
    private static final byte[] FILLER = filler();

    private static byte[] filler() {
        byte[] f = new byte[32 * 4096 + 64];
        Arrays.fill(f, (byte) 0x5a);
        return f;
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void damagedUnitsAreRefusedAsStrictlyAsAircompressorDoes(long seed) throws Exception {
        Random rnd = new Random(seed);
        byte[] unit = new byte[32 * 4096];
        try (HibernationImage image = HibernationImage.open(Corpus.swap("k61-lzo"), ReadOptions.defaults());
             SnapshotStream stream = image.stream()) {
            for (int skip = rnd.nextInt(2000); skip > 0; skip--) {
                stream.next();
            }
            for (int i = 0; i < 32; i++) {
                stream.next().get(unit, i * 4096, 4096);
            }
        }
        Lzo1x1Compressor java = new Lzo1x1Compressor();
        byte[] good = new byte[Lzo1x1Compressor.maxCompressedLength(unit.length)];
        int goodLen = java.compress(unit, 0, unit.length, good, 0, good.length);
        io.airlift.compress.lzo.LzoDecompressor air = new io.airlift.compress.lzo.LzoDecompressor();
        int refusedByBoth = 0;
        for (int trial = 0; trial < 3000; trial++) {
            byte[] bad = Arrays.copyOf(good, goodLen + 16);
            int len = goodLen;
            switch (rnd.nextInt(4)) {
                case 0 -> bad[rnd.nextInt(len)] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> len = rnd.nextInt(len);
                case 2 -> { for (int k = 0; k < 8; k++) { bad[rnd.nextInt(len)] = (byte) rnd.nextInt(); } }
                default -> { int at = rnd.nextInt(len); int n = Math.min(len - at, 1 + rnd.nextInt(64));
                             for (int k = 0; k < n; k++) { bad[at + k] = (byte) rnd.nextInt(); } }
            }
            int cap = rnd.nextBoolean() ? unit.length : rnd.nextInt(unit.length + 1);
            byte[] expected = new byte[cap];
            Integer airLen;
            try {
                airLen = air.decompress(bad, 0, len, expected, 0, cap);
            } catch (RuntimeException e) {
                airLen = null;
            }
            byte[] out = new byte[cap + 64];
            Arrays.fill(out, (byte) 0x5a);
            Integer ours;
            try {
                ours = lzo.decompress(bad, 0, len, out, 32, cap);
            } catch (NativeLzo.MalformedLzoException e) {
                assertThat(e.offset()).isBetween(0L, (long) len);
                ours = null;
            }
            // the direct decoder is the same decoder: the same verdict, the same bytes, nothing outside its range
            ByteBuffer din = ByteBuffer.allocateDirect(len + 1).put(1, bad, 0, len);
            ByteBuffer dout = ByteBuffer.allocateDirect(cap + 64).put(0, FILLER, 0, cap + 64);
            Long direct;
            try {
                direct = lzo.decompressWithCrc(din, 1, len, dout, 32, cap, 0) >>> 32;
            } catch (NativeLzo.MalformedLzoException e) {
                direct = null;
            }
            assertThat(direct == null ? null : direct.intValue()).as("trial %d, direct", trial).isEqualTo(ours);
            for (int k = 0; k < 32; k++) {
                assertThat(dout.get(k)).isEqualTo((byte) 0x5a);
                assertThat(dout.get(32 + cap + k)).isEqualTo((byte) 0x5a);
            }
            for (int k = 0; k < 32; k++) {
                assertThat(out[k]).as("byte %d before the output, trial %d", k, trial).isEqualTo((byte) 0x5a);
                assertThat(out[32 + cap + k]).as("byte %d after the output, trial %d", k, trial).isEqualTo((byte) 0x5a);
            }
            if (ours != null) {
                assertThat(airLen).as("trial %d: accepted here, refused by aircompressor", trial).isNotNull();
                assertThat(ours).isEqualTo(airLen);
                assertThat(Arrays.copyOfRange(out, 32, 32 + ours)).isEqualTo(Arrays.copyOf(expected, airLen));
            } else if (airLen == null) {
                refusedByBoth++;
            }
        }
        assertThat(refusedByBoth).as("mutations both refuse").isGreaterThan(100);
    }
}
