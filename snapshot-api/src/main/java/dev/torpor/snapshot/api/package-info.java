/**
 * The snapshot stream as {@code /dev/snapshot} produces and consumes it, independent of where it is
 * stored: the target profile of the kernel that wrote it ({@link dev.torpor.snapshot.api.TargetProfile}),
 * the image header page ({@link dev.torpor.snapshot.api.SnapshotInfo}, the kernel's
 * {@code struct swsusp_info}) with its architecture records, and the PFN metadata pages
 * ({@link dev.torpor.snapshot.api.PfnMetadata}).
 *
 * <p>Pure Java: nothing here reads files or touches native code. Every kernel fact (page size, width of
 * {@code unsigned long}, byte order) is a parameter taken from a {@code TargetProfile}, never from the JVM.
 */
package dev.torpor.snapshot.api;
