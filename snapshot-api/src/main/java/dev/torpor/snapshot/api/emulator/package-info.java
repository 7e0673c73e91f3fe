/**
 * A faithful in-memory emulator of {@code /dev/snapshot} for tests and dry runs: an
 * {@link dev.torpor.snapshot.api.emulator.EmulatedMachine} (memory you can fill, swap areas, a kernel profile)
 * and the device it exposes ({@link dev.torpor.snapshot.api.emulator.EmulatedSnapshotDevice}) with the kernel's
 * preconditions, errno values and read/write page-boundary behaviour, producing and consuming streams in the
 * kernel's format for the chosen profile.
 */
package dev.torpor.snapshot.api.emulator;
