package dev.torpor.platform.linux;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * The kernel's {@code crc32_le} (seed carried, no inversion) in the JNI library, over direct buffers: sixteen bytes at a
 * time with tables, no CLMUL (which an emulated CPU computes bit by bit). The same code checksums each unit
 * {@link NativeLzo} decodes for a resume, in the decoder's call.
 */
public final class NativeCrc32 {
    private static final NativeCrc32 INSTANCE = new NativeCrc32();

    private NativeCrc32() {
    }

    /** The checksum, where the JNI library loads here; empty otherwise ({@link NativeLzo#unavailabilityCause()}). */
    public static Optional<NativeCrc32> load() {
        return NativeLzo.unavailabilityCause().isEmpty() ? Optional.of(INSTANCE) : Optional.empty();
    }

    /** {@code crc32_le(crc, buffer[off, off+len))}: the kernel's checksum carried over the bytes (buffer direct). */
    public int update(int crc, ByteBuffer buffer, int off, int len) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("a direct buffer is needed");
        }
        Objects.checkFromIndexSize(off, len, buffer.capacity());
        return crc32Le0(buffer, off, len, crc);
    }

    private static native int crc32Le0(ByteBuffer buffer, int off, int len, int crc);
}
