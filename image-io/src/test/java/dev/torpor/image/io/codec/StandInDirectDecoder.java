package dev.torpor.image.io.codec;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Java stand-in for platform-linux's direct LZO decoder (decoding and the CRC32 in one call, between direct buffers),
 * so that image-io's tests take the paths the JNI library opens: aircompressor's decoder and {@link Crc32Le}.
 */
public final class StandInDirectDecoder implements Compressor.DirectUnitDecoder {
    /** Units decoded through an installed stand-in. */
    public static final AtomicLong UNITS = new AtomicLong();

    private StandInDirectDecoder() {
    }

    @Override
    public long decompressWithCrc(ByteBuffer in, int inOff, int inLen, ByteBuffer out, int outOff, int outCap,
                                  int crc) {
        UNITS.incrementAndGet();
        byte[] a = new byte[inLen];
        in.get(inOff, a);
        byte[] b = new byte[outCap];
        int n = Compressor.LZO.decoder().decompress(a, 0, inLen, b, 0, outCap);
        out.put(outOff, b, 0, n);
        long sum = Crc32Le.combine(Integer.toUnsignedLong(crc), Crc32Le.of(b, 0, n), n);
        return ((long) n << 32) | sum;
    }

    /** Runs {@code body} with the stand-in installed for LZO. */
    public static void with(Body body) throws Exception {
        StandInDirectDecoder d = new StandInDirectDecoder();
        UnitCodecs.install(Compressor.LZO, new UnitCodecs.Installed("stand-in", Compressor.LZO::encoder,
                Compressor.LZO::decoder, Optional.of(() -> d)));
        try {
            body.run();
        } finally {
            UnitCodecs.uninstall(Compressor.LZO);
        }
    }

    /** Test code that may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }
}
