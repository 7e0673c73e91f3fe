package dev.torpor.tools;

import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded mutations of the real corpus images: bit flips in the signature page, the swap map, unit lengths,
 * compressed bytes, metadata and the image header page; map cycles; lengths near 2^63; truncation. Every one
 * must end in exit 1 or 2 with a line naming the byte offset, within 10 s, with no stack trace. Runs in the
 * 64 MiB-heap JVM of the {@code bounded-heap} execution.
 */
@Tag("bounded-heap")
class DamagedInputTest {
    private static final long SEED = 0x7047_2026L;
    private static final int P = 4096;
    private static final Map<String, Path> WORK = new HashMap<>();

    /** One change to an image: bytes to write at an offset, or a length to truncate to. */
    record Mutation(String image, String what, long offset, byte[] bytes, long truncateTo) {
        @Override
        public String toString() {
            return image + ": " + what + " @" + offset;
        }
    }

    /** The structure of a corpus image, parsed here independently of the library. */
    record Layout(long headerSlot, long infoSlot, List<Long> mapSlots, List<Long> entries, List<long[]> units,
                  long maxSlot) {
    }

    static List<Mutation> mutations() throws IOException {
        List<Mutation> all = new ArrayList<>();
        Random rnd = new Random(SEED);
        for (String name : Corpus.NAMES) {
            boolean compressed = !name.contains("nocompress");
            Layout l = layout(Corpus.swap(name), compressed);
            List<Mutation> m = new ArrayList<>();
            // the signature page's fields
            for (int i = 0; i < 4; i++) {
                m.add(flip(name, "sig bit", 4086 + rnd.nextInt(9), rnd.nextInt(8)));
                m.add(flip(name, "orig_sig bit", 4076 + rnd.nextInt(10), rnd.nextInt(8)));
                m.add(flipBits(name, "image field bit", 4064, 8, rnd.nextInt(63)));
            }
            for (int bit : new int[] {1, 2, 4}) {
                m.add(flip(name, "flags bit " + bit, 4072, bit));
            }
            if (compressed) {
                for (int i = 0; i < 3; i++) {
                    m.add(flip(name, "crc32 bit", 4060 + rnd.nextInt(4), rnd.nextInt(8)));
                }
            }
            // the image header page
            for (int field : new int[] {416, 424, 432}) {
                m.add(flipBits(name, "header page field bit", l.infoSlot * P + field, 8, rnd.nextInt(40)));
            }
            // swap-map entries, and next_swap links: flips and cycles
            int entryFlips = compressed ? 14 : 8;
            for (int i = 0; i < entryFlips; i++) {
                int e = compressed ? rnd.nextInt(l.entries.size()) : rnd.nextInt(40); // nocompress: header + metadata
                long at = entryOffset(l, e);
                m.add(flipBits(name, "map entry " + e + " bit", at, 8, rnd.nextInt(63)));
            }
            for (int i = 0; i < 3; i++) {
                int k = rnd.nextInt(l.mapSlots.size() - 1);
                m.add(flipBits(name, "next_swap bit", l.mapSlots.get(k) * P + P - 8, 8, rnd.nextInt(63)));
                int from = 1 + rnd.nextInt(l.mapSlots.size() - 1);
                int to = rnd.nextInt(from + 1);
                m.add(put64(name, "map cycle " + from + "->" + to, l.mapSlots.get(from) * P + P - 8,
                        l.mapSlots.get(to)));
            }
            // lengths near 2^63
            m.add(put64(name, "image field near 2^63", 4064, Long.MAX_VALUE - rnd.nextInt(1000)));
            m.add(put64(name, "map entry near 2^63", entryOffset(l, 1 + rnd.nextInt(30)),
                    (1L << 62) + rnd.nextInt(1000)));
            m.add(put64(name, "next_swap near 2^63", l.mapSlots.get(0) * P + P - 8, Long.MAX_VALUE));
            m.add(put64(name, "header pages near 2^63", l.infoSlot * P + 424, Long.MAX_VALUE - 7));
            m.add(put64(name, "header image_pages near 2^63", l.infoSlot * P + 416, Long.MAX_VALUE - 7));
            if (compressed) {
                for (int i = 0; i < 10; i++) {
                    long[] u = l.units.get(rnd.nextInt(l.units.size()));
                    m.add(flipBits(name, "unit length bit", u[0] * P, 8, rnd.nextInt(64)));
                }
                for (int i = 0; i < 3; i++) {
                    long[] u = l.units.get(rnd.nextInt(l.units.size()));
                    m.add(put64(name, "unit length near 2^63", u[0] * P, Long.MAX_VALUE - rnd.nextInt(1000)));
                }
                for (int i = 0; i < 16; i++) {
                    long[] u = l.units.get(rnd.nextInt(l.units.size()));
                    int within = 8 + rnd.nextInt((int) Math.min(P - 8, u[1]));
                    m.add(flip(name, "compressed byte bit", u[0] * P + within, rnd.nextInt(8)));
                }
            } else {
                for (int i = 0; i < 16; i++) {
                    int metaPage = 1 + rnd.nextInt(38);
                    long at = l.entries.get(metaPage) * P + 8L * rnd.nextInt(P / 8);
                    m.add(flipBits(name, "metadata PFN high bit", at, 8, 40 + rnd.nextInt(24)));
                }
                for (int i = 0; i < 6; i++) {
                    m.add(put64(name, "metadata entry repeated", l.entries.get(1 + rnd.nextInt(38)) * P
                            + 8L * (1 + rnd.nextInt(P / 8 - 2)), 0));
                }
            }
            for (int i = 0; i < 5; i++) {
                long cut = P + (long) (rnd.nextDouble() * (l.maxSlot * P - P));
                m.add(new Mutation(name, "truncated", cut, null, cut));
            }
            all.addAll(m);
        }
        return all;
    }

    @org.junit.jupiter.api.BeforeAll
    static void runsWithA64MiBHeap() {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(64L * 1024 * 1024);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void endsWithExit1Or2AndTheOffsetWithinTenSeconds(Mutation m) throws Exception {
        Path file;
        byte[] saved = null;
        if (m.truncateTo() >= 0) {
            file = Files.createTempFile(Path.of("target"), "truncated", ".swap");
            cp(Corpus.swap(m.image()), file);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(m.truncateTo());
            }
        } else {
            file = work(m.image());
            saved = write(file, m.offset(), m.bytes());
        }
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Path f = file;
            Future<Cli.Result> run = ex.submit(() -> Cli.run("inspect", f.toString()));
            Cli.Result r = run.get(10, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.all()).isIn(1, 2);
            assertThat(r.all()).as("a line naming the byte offset").containsPattern("(?m)^.*at byte \\d+ \\(0x[0-9a-f]+\\): .+$");
            assertThat(r.all()).doesNotContain("Exception").doesNotContain("\tat ");
        } finally {
            ex.shutdownNow();
            if (saved != null) {
                write(file, m.offset(), saved);
            } else {
                Files.deleteIfExists(file);
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static Mutation flip(String image, String what, long offset, int bit) {
        byte[] b = read(Corpus.swap(image), offset, 1);
        b[0] ^= (byte) (1 << bit);
        return new Mutation(image, what + " " + bit, offset, b, -1);
    }

    private static Mutation flipBits(String image, String what, long offset, int width, int bit) {
        ByteBuffer b = ByteBuffer.wrap(read(Corpus.swap(image), offset, width)).order(ByteOrder.LITTLE_ENDIAN);
        long v = b.getLong(0) ^ (1L << bit);
        return put64(image, what + " " + bit, offset, v);
    }

    private static Mutation put64(String image, String what, long offset, long value) {
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        return new Mutation(image, what, offset, b, -1);
    }

    private static long entryOffset(Layout l, int entry) {
        return l.mapSlots.get(entry / 511) * P + 8L * (entry % 511);
    }

    static Layout layout(Path swap, boolean compressed) throws IOException {
        try (FileChannel ch = FileChannel.open(swap, StandardOpenOption.READ)) {
            long image = readLong(ch, 4064);
            List<Long> maps = new ArrayList<>();
            List<Long> entries = new ArrayList<>();
            long max = 0;
            for (long map = image; map != 0; map = readLong(ch, map * P + P - 8)) {
                maps.add(map);
                max = Math.max(max, map);
                for (int i = 0; i < 511; i++) {
                    long e = readLong(ch, map * P + 8L * i);
                    if (e != 0) {
                        entries.add(e);
                        max = Math.max(max, e);
                    }
                }
            }
            List<long[]> units = new ArrayList<>();
            if (compressed) {
                for (int i = 1; i < entries.size(); ) {
                    long len = readLong(ch, entries.get(i) * P);
                    units.add(new long[] {entries.get(i), len});
                    i += (int) ((len + 8 + P - 1) / P);
                }
            }
            return new Layout(0, entries.get(0), maps, entries, units, max);
        }
    }

    private static long readLong(FileChannel ch, long at) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, at);
        return b.getLong(0);
    }

    private static byte[] read(Path file, long at, int len) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(len);
            ch.read(b, at);
            return b.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(Path file, long at, byte[] bytes) throws IOException {
        byte[] old = read(file, at, bytes.length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), at);
        }
        return old;
    }

    private static synchronized Path work(String image) throws Exception {
        Path p = WORK.get(image);
        if (p == null) {
            p = Path.of("target", "damaged", image + ".swap");
            Files.createDirectories(p.getParent());
            cp(Corpus.swap(image), p);
            WORK.put(image, p);
        }
        return p;
    }

    private static void cp(Path from, Path to) throws Exception {
        Process pr = new ProcessBuilder("cp", "--sparse=always", from.toString(), to.toString()).inheritIO().start();
        assertThat(pr.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(pr.exitValue()).isZero();
    }
}
