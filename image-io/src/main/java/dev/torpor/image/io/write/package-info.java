/**
 * Writing kernel-compatible hibernation images into swap areas: {@link dev.torpor.image.io.write.ImageWriter}
 * takes a snapshot stream (header page, metadata, data) and stores it as the kernel's own writer does —
 * uncompressed pages or LZO/LZ4 units with the kernel's CRC32, swap-map pages interleaved the same way — and
 * writes the signature page last, after everything else is durable. {@link dev.torpor.image.io.write.SwapArea}
 * opens (or formats) the area, {@link dev.torpor.image.io.write.SlotAllocator} hands out its pages, and
 * {@link dev.torpor.image.io.write.Invalidation} turns an image back into a plain swap area.
 */
package dev.torpor.image.io.write;
