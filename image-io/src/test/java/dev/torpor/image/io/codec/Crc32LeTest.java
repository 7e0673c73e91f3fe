package dev.torpor.image.io.codec;

import dev.torpor.image.io.codec.Crc32Le;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The kernel's crc32_le(0, …): reference vectors, and agreement with a bitwise implementation of the kernel's loop. */
class Crc32LeTest {

    @Test
    void referenceVectors() {
        byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc32Le.of(digits, 0, digits.length)).isEqualTo(0x2DFD2D88L);
        assertThat(Crc32Le.of(new byte[4096], 0, 4096)).isZero();
        byte[] ramp = new byte[4096];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (byte) i;
        }
        assertThat(Crc32Le.of(ramp, 0, ramp.length)).isEqualTo(0x658D2093L);
        assertThat(Crc32Le.of(ramp, 0, 0)).isZero();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void chainedUpdatesMatchTheKernelsBitwiseLoop(long seed) {
        Random rnd = new Random(seed);
        Crc32Le crc = new Crc32Le();
        int reference = 0;
        for (int chunk = 0; chunk < 20; chunk++) {
            byte[] b = new byte[rnd.nextInt(70000)];
            rnd.nextBytes(b);
            crc.update(b, 0, b.length);
            reference = bitwise(reference, b);
        }
        assertThat(crc.value()).isEqualTo(Integer.toUnsignedLong(reference));
    }

    /** Checksums of pieces computed apart (as the compression threads do) and appended give the same value. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void appendedChecksumsOfPiecesMatchTheKernelsBitwiseLoop(long seed) {
        Random rnd = new Random(seed);
        Crc32Le crc = new Crc32Le();
        int reference = 0;
        long bytes = 0;
        for (int chunk = 0; chunk < 20; chunk++) {
            byte[] b = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(140000)];
            rnd.nextBytes(b);
            if (rnd.nextBoolean()) {
                crc.append(Crc32Le.of(b, 0, b.length), b.length);   // mixed with plain updates
            } else {
                crc.update(b, 0, b.length);
            }
            reference = bitwise(reference, b);
            bytes += b.length;
        }
        assertThat(crc.value()).isEqualTo(Integer.toUnsignedLong(reference));
        assertThat(crc.length()).isEqualTo(bytes);
        byte[] a = "hibernation".getBytes(StandardCharsets.US_ASCII);
        byte[] b = " image".getBytes(StandardCharsets.US_ASCII);
        byte[] ab = "hibernation image".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc32Le.combine(Crc32Le.of(a, 0, a.length), Crc32Le.of(b, 0, b.length), b.length))
                .isEqualTo(Crc32Le.of(ab, 0, ab.length));
    }

    /** {@code crc32_le} as the kernel's generic code computes it, one bit at a time. */
    private static int bitwise(int crc, byte[] b) {
        for (byte x : b) {
            crc ^= x & 0xff;
            for (int i = 0; i < 8; i++) {
                crc = (crc >>> 1) ^ ((crc & 1) != 0 ? 0xEDB88320 : 0);
            }
        }
        return crc;
    }
}
