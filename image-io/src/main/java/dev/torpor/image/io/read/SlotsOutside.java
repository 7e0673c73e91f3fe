package dev.torpor.image.io.read;

import java.util.OptionalLong;

/**
 * The pages of a swap area outside its image that hold data (are not all zero). In a hibernated system these are
 * mostly its swapped-out memory, which it reads back on demand after the resume: so the image resumes correctly only
 * from this area, and nothing may be written there.
 *
 * @param count           pages outside the image that hold data
 * @param first           the lowest of them
 * @param last            the highest of them
 * @param pagesScanned    area pages read (every page but the swap header)
 * @param imageSlotsKnown whether the image's own pages were all known (false when its swap-map chain is broken:
 *                        then some of the pages counted may be the image's)
 */
public record SlotsOutside(long count, OptionalLong first, OptionalLong last, long pagesScanned,
                           boolean imageSlotsKnown) {
}
