package dev.torpor.platform.linux;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * LZO1X-1 compression and LZO1X decompression in the JNI library. Compression is the algorithm of image-io's
 * {@code Lzo1x1Compressor}, so the same bytes, but compiled ahead of time: a hibernating JVM stops its JIT before the
 * freeze, and code still interpreted or at C1 then compresses at a fraction of C speed. Decompression is for the
 * resume, which runs in a JVM just started. The methods have the shapes of image-io's {@code Compressor.UnitEncoder}
 * and {@code UnitDecoder}. Thread-safe: the dictionary lives on the native stack of each call.
 */
public final class NativeLzo {
    private static final NativeLzo INSTANCE = new NativeLzo();

    private NativeLzo() {
    }

    /** The compressor, where the JNI library loads here (and {@code torpor.native=jna} does not rule JNI out). */
    public static Optional<NativeLzo> load() {
        return unavailabilityCause().isEmpty() ? Optional.of(INSTANCE) : Optional.empty();
    }

    /** Why {@link #load()} is empty, or empty when it is not. */
    public static Optional<String> unavailabilityCause() {
        if ("jna".equals(System.getProperty(LinuxSnapshotDevice.BINDING_PROPERTY))) {
            return Optional.of(LinuxSnapshotDevice.BINDING_PROPERTY + "=jna rules the JNI library out");
        }
        return JniPageCalls.unavailabilityCause();
    }

    /**
     * Compresses {@code in[inOff, inOff+inLen)} into {@code out} from {@code outOff}; returns the compressed length.
     * {@code outCap} bytes from {@code outOff} must fit the worst case, {@code inLen + inLen/16 + 64 + 3 + 2}.
     */
    public int compress(byte[] in, int inOff, int inLen, byte[] out, int outOff, int outCap) {
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        Objects.checkFromIndexSize(outOff, outCap, out.length);
        int worst = inLen + inLen / 16 + 64 + 3 + 2;
        if (outCap < worst) {
            throw new IllegalArgumentException("output capacity " + outCap + " below the worst case " + worst);
        }
        int n = compress0(in, inOff, inLen, out, outOff);
        if (n < 0) {
            throw new IllegalStateException("the native LZO1X-1 compressor failed on " + inLen + " bytes");
        }
        return n;
    }

    /**
     * Decompresses the LZO1X data {@code in[inOff, inOff+inLen)}, untrusted, into {@code out[outOff, outOff+outCap)};
     * returns the length. Malformed data (a length beyond the input or the output, a distance before the output's
     * start, no end marker, bytes after it) throws {@link MalformedLzoException}; nothing is read or written outside the
     * two ranges.
     */
    public int decompress(byte[] in, int inOff, int inLen, byte[] out, int outOff, int outCap) {
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        Objects.checkFromIndexSize(outOff, outCap, out.length);
        int n = decompress0(in, inOff, inLen, out, outOff, outCap);
        if (n < 0) {
            throw new MalformedLzoException(-n - 1L);
        }
        return n;
    }

    /**
     * As {@link #decompress}, between direct buffers, carrying the kernel's {@code crc32_le} from {@code crc} over the
     * output in the same call (a resume's whole per-unit work in one call). Returns {@code (length << 32) | new crc}.
     */
    public long decompressWithCrc(ByteBuffer in, int inOff, int inLen, ByteBuffer out, int outOff, int outCap,
                                  int crc) {
        if (!in.isDirect() || !out.isDirect()) {
            throw new IllegalArgumentException("direct buffers are needed");
        }
        Objects.checkFromIndexSize(inOff, inLen, in.capacity());
        Objects.checkFromIndexSize(outOff, outCap, out.capacity());
        long r = decompressWithCrc0(in, inOff, inLen, out, outOff, outCap, crc);
        if (r < 0) {
            throw new MalformedLzoException(-r - 1L);
        }
        return r;
    }

    /**
     * A batch of units in one call, as image-io's {@code DirectUnitDecoder.decodeUnits}: unit k from
     * {@code in[offsets[k], offsets[k] + lengths[k])} into {@code out[k·stride, (k+1)·stride)}, the CRC carried over each
     * output; stops at the first malformed unit, whose {@code lengths[k]} becomes {@code -(1 + input offset)}. Returns
     * {@code (units decoded << 32) | crc}. At most 1024 units.
     */
    public long decodeUnits(ByteBuffer in, int[] offsets, int[] lengths, int count, ByteBuffer out, int stride,
                            int crc) {
        if (!in.isDirect() || !out.isDirect()) {
            throw new IllegalArgumentException("direct buffers are needed");
        }
        if (count < 0 || count > 1024 || count > offsets.length || count > lengths.length || stride < 0
                || (long) count * stride > out.capacity()) {
            throw new IndexOutOfBoundsException(count + " units of " + stride + " bytes do not fit");
        }
        for (int k = 0; k < count; k++) {
            Objects.checkFromIndexSize(offsets[k], lengths[k], in.capacity());
        }
        return decodeUnits0(in, offsets, lengths, count, out, stride, crc);
    }

    /**
     * image-io's {@code DirectUnitDecoder.collectUnits} in C: the walk of a resume's next units through the O_DIRECT
     * window, so that no Java code runs per unit. At most 4096 entries and 1024 units a call.
     */
    public void collectUnits(ByteBuffer window, long first, int pages, int pageSize, long[] slots, int from, int to,
                             int wordSize, boolean bigEndian, long maxCompressed, boolean lzoMarker, int at,
                             int maxUnits, int[] offsets, int[] lengths, int[] result) {
        if (!window.isDirect()) {
            throw new IllegalArgumentException("a direct buffer is needed");
        }
        Objects.checkFromToIndex(from, to, slots.length);
        if (to - from > 4096 || pages < 0 || pageSize <= 0 || (long) pages * pageSize > window.capacity()
                || at < 0 || maxUnits > 1024 || maxUnits > offsets.length || maxUnits > lengths.length
                || result.length < 4 || (wordSize != 4 && wordSize != 8)) {
            throw new IllegalArgumentException("a walk of " + (to - from) + " entries, " + maxUnits + " units, "
                    + pages + " pages of " + pageSize + " does not fit");
        }
        collectUnits0(window, first, pages, pageSize, slots, from, to, wordSize, bigEndian, maxCompressed, lzoMarker,
                at, maxUnits, offsets, lengths, result);
    }

    /** LZO data that does not decode; {@link #offset()} is where in the input the decoder stopped. */
    public static final class MalformedLzoException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final long offset;

        MalformedLzoException(long offset) {
            super("malformed LZO1X data at input byte " + offset);
            this.offset = offset;
        }

        public long offset() {
            return offset;
        }
    }

    private static native int decompress0(byte[] in, int inOff, int inLen, byte[] out, int outOff, int outCap);

    private static native long decompressWithCrc0(ByteBuffer in, int inOff, int inLen, ByteBuffer out, int outOff,
                                                  int outCap, int crc);

    private static native long decodeUnits0(ByteBuffer in, int[] offsets, int[] lengths, int count, ByteBuffer out,
                                            int stride, int crc);

    private static native void collectUnits0(ByteBuffer window, long first, int pages, int pageSize, long[] slots,
                                             int from, int to, int wordSize, boolean bigEndian, long maxCompressed,
                                             boolean lzoMarker, int at, int maxUnits, int[] offsets, int[] lengths,
                                             int[] result);

    private static native int compress0(byte[] in, int inOff, int inLen, byte[] out, int outOff);
}
