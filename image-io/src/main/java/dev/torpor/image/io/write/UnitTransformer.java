package dev.torpor.image.io.write;

import java.io.IOException;

/**
 * One stage of the unit pipeline between the snapshot stream and the swap area (after the Suspend2 design:
 * page transformers feeding one writer). A unit is up to 32 stream pages; each stage turns its input into its
 * output. Stages declare the memory they need, so the writer's bound is known before it starts, and are
 * called from several threads at once for different units.
 */
public sealed interface UnitTransformer permits Compression, Sealing {

    /** A short name for reports ({@code lzo}, {@code aes-256-gcm}). */
    String name();

    /** The most bytes {@link #apply} writes for {@code inputBytes} of input. */
    int maxOutput(int inputBytes);

    /** Working memory per thread beyond the unit buffers (dictionaries, cipher state), in bytes. */
    long workingMemory();

    /**
     * Transforms unit {@code index} ({@code last}: whether it is the last unit of the image).
     *
     * @return bytes written to {@code out}
     */
    int apply(long index, boolean last, byte[] in, int length, byte[] out) throws IOException;
}
