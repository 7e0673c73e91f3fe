package dev.torpor.image.io.read;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What reading the whole stream found.
 *
 * @param crc32Computed   {@code crc32_le(0, …)} over stream pages 1 … pages−1 (only as far as they could be read
 *                        when {@code complete} is false)
 * @param compressedUnits compressed units decoded (0 for uncompressed images)
 * @param streamPages     stream pages after the header page that were read
 * @param metaPages       metadata pages read
 * @param dataPfns        PFNs whose data is stored
 * @param zeroPfns        PFNs flagged as zero pages (6.6+), data not stored
 * @param pfnMin          smallest PFN whose data is stored
 * @param pfnMax          largest PFN whose data is stored
 * @param complete        whether the stream was read to its end without a fatal error
 * @param vmcoreinfo      the kernel's VMCOREINFO note, where a saved page holds one
 */
public record StreamScan(long crc32Computed, long compressedUnits, long streamPages, long metaPages, long dataPfns,
                         long zeroPfns, OptionalLong pfnMin, OptionalLong pfnMax, boolean complete,
                         Optional<VmcoreInfo> vmcoreinfo) {
}
