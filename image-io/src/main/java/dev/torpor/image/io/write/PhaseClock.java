package dev.torpor.image.io.write;

/**
 * Where one write's time goes, added up per unit of 32 pages (a clock read per page would itself cost, under
 * emulation, a good part of what it measures).
 */
final class PhaseClock {
    long read;
    long transform;
    /** CRC32 of the uncompressed units, inside {@link #store}. */
    long checksum;
    long store;
    long write;
    long sync;

    /** The phases; allocating slots and copying into the write buffer is the store time not spent on the rest. */
    ImageWriter.Phases phases() {
        return new ImageWriter.Phases(read, transform, checksum, Math.max(0, store - write - checksum), write, sync);
    }
}
