package dev.torpor.image.io.write;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.codec.UnitCodecs;
import dev.torpor.swap.format.CompressedUnits;

/**
 * The compression stage: the kernel's LZO1X-1 or an LZ4 block. Refuses output beyond the kernel's worst
 * case, which the kernel's reader would reject. In Torpor's image header its configuration is the compressor.
 */
public final class Compression implements UnitTransformer {
    private final Compressor compressor;
    private final ThreadLocal<Compressor.UnitEncoder> encoders;

    public Compression(Compressor compressor) {
        if (compressor == Compressor.NONE) {
            throw new IllegalArgumentException("no compression means no compression stage");
        }
        this.compressor = compressor;
        this.encoders = ThreadLocal.withInitial(() -> UnitCodecs.encoder(compressor));
    }

    public Compressor compressor() {
        return compressor;
    }

    @Override
    public String name() {
        return compressor.label();
    }

    @Override
    public int maxOutput(int inputBytes) {
        return (int) CompressedUnits.worstCompressed(inputBytes) + 64;
    }

    @Override
    public long workingMemory() {
        return 16 * 1024 + 64 * 1024; // LZO dictionary (8192 positions) or LZ4's hash table
    }

    @Override
    public int apply(long index, boolean last, byte[] in, int length, byte[] out) throws ImageFormatException {
        int n = encoders.get().compress(in, 0, length, out, 0, out.length);
        if (n <= 0 || n > CompressedUnits.worstCompressed(length)) {
            throw new ImageFormatException(0, "the " + name() + " compressor produced " + n + " bytes for " + length
                    + ", beyond what the kernel accepts (unit " + index + ")");
        }
        return n;
    }
}
