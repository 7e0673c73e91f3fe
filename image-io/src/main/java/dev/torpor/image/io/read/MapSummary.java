package dev.torpor.image.io.read;

/**
 * What the walk over the swap-map chain found.
 *
 * @param mapPages    map pages in the chain (up to the first broken link)
 * @param storedPages non-zero map entries: pages the image occupies besides the map itself, header page included
 * @param complete    whether the chain ended normally ({@code next_swap == 0})
 */
public record MapSummary(long mapPages, long storedPages, boolean complete) {
}
