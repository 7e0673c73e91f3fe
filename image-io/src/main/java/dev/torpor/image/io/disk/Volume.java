package dev.torpor.image.io.disk;

import java.util.List;

/**
 * A block device the kernel would see on a disk: the whole disk, a partition or an LVM logical volume.
 *
 * @param name        how {@code scan} names it and {@code --volume} takes it: {@code disk}, {@code p2},
 *                    {@code vg/lv}
 * @param kind        what it is
 * @param extents     where its bytes are on the disk, in order
 * @param size        its size in bytes
 * @param description a line for people: the partition's type and name, or the LV's group and segments
 */
public record Volume(String name, Kind kind, List<DiskExtent> extents, long size, String description) {
    public Volume {
        extents = List.copyOf(extents);
    }

    /** What kind of volume. */
    public enum Kind {
        DISK, PARTITION, LOGICAL_VOLUME
    }

    /** The first byte of the volume on the disk. */
    public long diskOffset() {
        return extents.isEmpty() ? 0 : extents.get(0).diskOffset();
    }
}
