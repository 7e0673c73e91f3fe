package dev.torpor.image.io.write;

/**
 * Where one write's time goes, added up per unit of 32 pages (a clock read per page would itself cost, under
 * emulation, a good part of what it measures).
 */
final class PhaseClock {
    long read;
    long transform;
    long store;
    long write;
    long sync;

    /** The phases; allocating slots and copying into the write buffer is the store time not spent writing. */
    ImageWriter.Phases phases() {
        return new ImageWriter.Phases(read, transform, Math.max(0, store - write), write, sync);
    }
}
