package dev.torpor.hibernation;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.codec.Crc32Le;
import dev.torpor.image.io.codec.UnitCodecs;
import dev.torpor.platform.linux.NativeCrc32;
import dev.torpor.platform.linux.NativeLzo;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Puts the JNI library's LZO1X-1 (the same bytes as the Java coders, at C speed) under every writer and reader of the
 * process, where the library loads; the Java coders stay where it does not.
 */
public final class NativeCodecs {
    private NativeCodecs() {
    }

    /**
     * The CRC32 over arrays in C where it runs faster here than the JDK's intrinsic (an emulated CPU), timed on the
     * spot; what was chosen, for the report.
     */
    private static String checksum() {
        Optional<NativeCrc32> c = NativeCrc32.load();
        if (c.isEmpty()) {
            return "";
        }
        double[] rates = c.get().rates(256 * 1024);
        if (rates[0] > 1.1 * rates[1]) {
            NativeCrc32 n = c.get();
            Crc32Le.install(n::update);
            return String.format(java.util.Locale.ROOT, ", CRC32 in C (%.0f MB/s here, the JDK's %.0f)", rates[0],
                    rates[1]);
        }
        Crc32Le.uninstall();
        return String.format(java.util.Locale.ROOT, ", CRC32 the JDK's (%.0f MB/s here, C's %.0f)", rates[1],
                rates[0]);
    }

    /** Installs what loads here; returns how LZO units are coded now, for a report. */
    public static String install() {
        Optional<NativeLzo> lzo = NativeLzo.load();
        if (lzo.isPresent()) {
            NativeLzo n = lzo.get();
            Compressor.UnitEncoder encoder = n::compress;
            Compressor.UnitDecoder decoder = n::decompress;
            Compressor.DirectUnitDecoder direct = new Compressor.DirectUnitDecoder() {
                @Override
                public long decompressWithCrc(ByteBuffer in, int inOff, int inLen, ByteBuffer out, int outOff,
                                              int outCap, int crc) {
                    return n.decompressWithCrc(in, inOff, inLen, out, outOff, outCap, crc);
                }

                @Override
                public long decodeUnits(ByteBuffer in, int[] offsets, int[] lengths, int count, ByteBuffer out,
                                        int stride, int crc) {
                    return n.decodeUnits(in, offsets, lengths, count, out, stride, crc);
                }

                @Override
                public void collectUnits(ByteBuffer window, long first, int pages, int pageSize, long[] slots,
                                         int from, int to, int wordSize, boolean bigEndian, long maxCompressed,
                                         boolean lzoMarker, int at, int maxUnits, int[] offsets, int[] lengths,
                                         int[] result) {
                    n.collectUnits(window, first, pages, pageSize, slots, from, to, wordSize, bigEndian,
                            maxCompressed, lzoMarker, at, maxUnits, offsets, lengths, result);
                }
            };
            UnitCodecs.install(Compressor.LZO, new UnitCodecs.Installed("JNI", () -> encoder, () -> decoder,
                    Optional.of(() -> direct)));
            return "LZO1X-1 through JNI" + checksum();
        }
        UnitCodecs.uninstall(Compressor.LZO);
        Crc32Le.uninstall();
        return "LZO1X-1 in Java (" + NativeLzo.unavailabilityCause().orElse("no JNI library") + ")";
    }
}
