package dev.torpor.image.io.read;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.snapshot.api.PfnMetadata;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.swap.format.HeaderLayout;

import java.util.Map;
import java.util.Optional;

/**
 * What was decided about an image before reading its stream, and how each decision was made.
 *
 * @param target     page size, word size, byte order and architecture of the kernel that wrote it
 * @param sectorSize width of map entries and of the header's {@code image} field ({@code sizeof(sector_t)})
 * @param layout     era of the signature fields (empty when there is no kernel image)
 * @param compressor how the stream is stored
 * @param encoding   what the metadata entries are
 * @param how        for each decided fact ({@code pageSize}, {@code wordSize}, {@code byteOrder},
 *                   {@code sectorSize}, {@code headerLayout}, {@code arch}, {@code compressor}), how it was decided
 */
public record Detection(TargetProfile target, int sectorSize, Optional<HeaderLayout> layout, Compressor compressor,
                        PfnMetadata.Encoding encoding, Map<String, String> how) {
}
