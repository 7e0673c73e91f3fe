package dev.torpor.image.io.disk;

import dev.torpor.image.io.read.Inspection;

/**
 * A swap area found on a volume, with inspect's verdict on what it holds.
 *
 * @param volume       the volume's name ({@code --volume})
 * @param resumeOffset the page of its header in the volume: 0 for a swap partition or volume, the kernel's
 *                     {@code resume_offset} for a swap file
 * @param pageSize     the page size its signature was found with
 * @param diskOffset   where its header page is on the disk
 * @param inspection   what {@code inspect} says about it
 */
public record Finding(String volume, long resumeOffset, int pageSize, long diskOffset, Inspection inspection) {
    /** Whether it is a swap file inside a file system rather than a whole volume. */
    public boolean swapFile() {
        return resumeOffset != 0;
    }
}
