package dev.torpor.image.io.codec;

import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ReadOptions;

import dev.torpor.image.io.codec.Lzo1x1Compressor;
import io.airlift.compress.lzo.LzoDecompressor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Torpor's LZO1X-1 against the kernel's: every compressed unit the Debian kernels wrote into the corpus
 * images, decompressed and compressed again, gives the kernel's bytes exactly; and it round-trips through an
 * independent decoder (aircompressor) on seeded random inputs of every kind.
 */
class Lzo1x1CompressorTest {

    @ParameterizedTest
    @ValueSource(strings = {"k61-lzo", "k612-lzo"})
    void recompressingTheKernelsUnitsGivesTheKernelsBytes(String name) throws Exception {
        int units = 0;
        Lzo1x1Compressor ours = new Lzo1x1Compressor();
        LzoDecompressor decoder = new LzoDecompressor();
        byte[] unc = new byte[32 * 4096];
        byte[] again = new byte[Lzo1x1Compressor.maxCompressedLength(unc.length)];
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults())) {
            for (byte[] kernel : image.compressedUnits(Integer.MAX_VALUE)) {
                int n = decoder.decompress(kernel, 0, kernel.length, unc, 0, unc.length);
                int m = ours.compress(unc, 0, n, again, 0, again.length);
                assertThat(Arrays.copyOf(again, m)).as("unit %d of %s", units, name).isEqualTo(kernel);
                units++;
            }
        }
        assertThat(units).isEqualTo(name.equals("k61-lzo") ? 618 : 457);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 2026})
    void roundTripsThroughAnIndependentDecoder(long seed) {
        Random rnd = new Random(seed);
        Lzo1x1Compressor ours = new Lzo1x1Compressor();
        LzoDecompressor decoder = new LzoDecompressor();
        for (int len : new int[] {0, 1, 2, 3, 4, 17, 20, 21, 238, 239, 4096, 49151, 49152, 49153, 131072}) {
            byte[] in = new byte[len];
            switch (rnd.nextInt(4)) {
                case 0: rnd.nextBytes(in); break;
                case 1: break; // zeros
                case 2: for (int i = 0; i < len; i++) { in[i] = (byte) "hibernate ".charAt(i % 10); } break;
                default:
                    for (int i = 0; i < len; i++) {
                        in[i] = (byte) (rnd.nextInt(8) == 0 ? rnd.nextInt() : i / 97);
                    }
            }
            byte[] out = new byte[Lzo1x1Compressor.maxCompressedLength(len)];
            int n = ours.compress(in, 0, len, out, 0, out.length);
            assertThat(n).isLessThanOrEqualTo(Lzo1x1Compressor.maxCompressedLength(len));
            assertThat(Arrays.copyOfRange(out, n - 3, n)).containsExactly(0x11, 0, 0);
            if (len == 0) {
                assertThat(n).isEqualTo(3); // only the end-of-stream marker, as the kernel writes it
                continue;
            }
            byte[] back = new byte[len];
            int m = decoder.decompress(out, 0, n, back, 0, back.length);
            assertThat(m).isEqualTo(len);
            assertThat(back).isEqualTo(in);
        }
    }

    @Test
    void worstCaseBoundIsTheKernels() {
        assertThat(Lzo1x1Compressor.maxCompressedLength(131072)).isEqualTo(139333);
    }
}
