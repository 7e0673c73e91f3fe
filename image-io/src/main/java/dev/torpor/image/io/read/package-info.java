/**
 * Reading hibernation images of both kinds (the kernel's and Torpor's encrypted one) from swap areas, swap-file
 * devices and disk images. The entry point is
 * {@link dev.torpor.image.io.read.HibernationImage#open(java.nio.file.Path, ReadOptions)}: it detects the target
 * (page size, word size, byte order, header era, architecture), walks the swap-map chain with bounds and cycle
 * checks, and offers {@link dev.torpor.image.io.read.HibernationImage#inspect(boolean) a full inspection} and
 * {@link dev.torpor.image.io.read.HibernationImage#pages() a streaming iterator of physical pages}.
 *
 * <p>Everything read from an image is untrusted: every length is capped, every location bounds-checked, and
 * anything wrong is reported as a {@link dev.torpor.image.io.Problem} with the byte offset where it was found.
 * Memory is bounded: nothing holds the whole image, its map or its PFN list.
 */
package dev.torpor.image.io.read;
