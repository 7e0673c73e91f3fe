package dev.torpor.image.io.read;

import java.nio.ByteBuffer;

/**
 * One saved page of physical memory.
 *
 * @param pfn  page frame number: the page lives at physical address {@code pfn × page size}
 * @param zero whether the kernel flagged it as all zeros (6.6+); its data is then not stored in the image
 * @param data the page contents (read-only view, valid until the iterator advances; all zeros if {@code zero})
 */
public record PhysicalPage(long pfn, boolean zero, ByteBuffer data) {
}
