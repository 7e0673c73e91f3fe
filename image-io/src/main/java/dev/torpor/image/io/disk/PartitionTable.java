package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;

import java.util.List;
import java.util.Optional;

/**
 * A disk's partition table.
 *
 * @param scheme     "gpt" or "mbr"
 * @param sectorSize the logical sector size the table was found with
 * @param diskId     the GPT disk GUID or the MBR disk signature
 * @param partitions the used entries, in table order
 * @param problems   what was wrong, with byte offsets on the disk
 */
public record PartitionTable(String scheme, int sectorSize, Optional<String> diskId, List<Partition> partitions,
                             List<Problem> problems) {
    public PartitionTable {
        partitions = List.copyOf(partitions);
        problems = List.copyOf(problems);
    }
}
