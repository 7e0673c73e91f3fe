package dev.torpor.image.io.internal;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.Detection;
import dev.torpor.image.io.read.HibernationImage;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.codec.Crc32Le;
import dev.torpor.image.io.codec.UnitCodecs;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the read path's CPU work on real image data: decompressing compressed units and computing
 * the kernel's CRC32 over the result, one thread, with the units already in memory (so disk speed does
 * not count). Used by {@code torpor bench read} and the JMH benchmark.
 */
public final class ReadBenchmark {
    private final Compressor compressor;
    private final int pageSize;
    private final List<byte[]> units;

    private ReadBenchmark(Compressor compressor, int pageSize, List<byte[]> units) {
        this.compressor = compressor;
        this.pageSize = pageSize;
        this.units = units;
    }

    /** What one run measured. */
    public record Result(long uncompressedBytes, long compressedBytes, long units, Duration elapsed, long crc32) {
        /** Uncompressed megabytes (10^6 bytes) per second. */
        public double megabytesPerSecond() {
            return uncompressedBytes / 1e6 / (elapsed.toNanos() / 1e9);
        }
    }

    /**
     * Loads the compressed units of a compressed image into memory (at most {@code maxUnits}).
     *
     * @throws IllegalArgumentException the image has no compressed units to measure
     */
    public static ReadBenchmark load(HibernationImage image, int maxUnits) throws IOException {
        // misuse, not damage: a source without compressed units cannot be measured
        Detection d = image.detection().orElseThrow(() -> new IllegalArgumentException(image.source()
                + " holds no readable kernel image; the read benchmark needs one with LZO or LZ4 units"));
        if (d.compressor() == Compressor.NONE) {
            throw new IllegalArgumentException(image.source() + " holds an uncompressed image; the read benchmark "
                    + "needs LZO or LZ4 units");
        }
        List<byte[]> units = image.compressedUnits(maxUnits);
        return new ReadBenchmark(d.compressor(), d.target().pageSize(), units);
    }

    /** Units in memory. */
    public int unitCount() {
        return units.size();
    }

    public Compressor compressor() {
        return compressor;
    }

    /** Decodes every unit once and checksums the output; returns the CRC (so the work cannot be elided). */
    public Result runOnce() throws ImageFormatException {
        return run(1);
    }

    /** Decodes all units {@code rounds} times. */
    public Result run(int rounds) throws ImageFormatException {
        Compressor.UnitDecoder decoder = UnitCodecs.decoder(compressor);
        byte[] out = new byte[dev.torpor.swap.format.CompressedUnits.uncompressedSize(pageSize)];
        long unc = 0;
        long cmp = 0;
        long crc = 0;
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            Crc32Le c = new Crc32Le();
            for (byte[] u : units) {
                int n;
                try {
                    n = decoder.decompress(u, 0, u.length, out, 0, out.length);
                } catch (RuntimeException e) {
                    throw new ImageFormatException(0, "unit does not decompress: " + e.getMessage());
                }
                c.update(out, 0, n);
                unc += n;
                cmp += u.length;
            }
            crc = c.value();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Result(unc, cmp, (long) units.size() * rounds, elapsed, crc);
    }
}
