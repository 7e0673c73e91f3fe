/**
 * How the kernel stores a snapshot stream in a swap area: the mkswap header ({@link dev.torpor.swap.format.SwapHeader}),
 * the signature fields it rewrites when an image is present ({@link dev.torpor.swap.format.SwsuspHeader}, in every
 * {@link dev.torpor.swap.format.HeaderLayout era}), the {@link dev.torpor.swap.format.ImageFlags}, the chain of
 * {@link dev.torpor.swap.format.SwapMapPage swap-map pages} and the {@link dev.torpor.swap.format.CompressedUnits
 * compressed-unit framing}.
 *
 * <p>This module depends on {@code snapshot-api} and not the other way round: the snapshot stream (header page,
 * PFN metadata, data pages) exists without any swap area — {@code /dev/snapshot} produces it, a file can hold it —
 * while a swap area is only one place to store it. So the storage format builds on the stream model.
 *
 * <p>Pure Java: everything works on {@link java.nio.ByteBuffer pages} handed in by the caller.
 */
package dev.torpor.swap.format;
