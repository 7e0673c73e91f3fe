/**
 * Finding swap areas and hibernation images in whole disks: MBR and GPT partition tables, LVM2 physical volumes
 * with linear logical volumes, LUKS headers, and swap files inside file systems (found by their signature at
 * page-aligned offsets). {@link dev.torpor.image.io.disk.DiskLayout} names the volumes of a disk,
 * {@link dev.torpor.image.io.disk.VolumeChannel} reads one of them as if it were a device of its own, and
 * {@link dev.torpor.image.io.disk.DiskScan} inspects what is in each.
 *
 * <p>Every table and every metadata text is untrusted: counts and lengths are capped, chains are checked for cycles,
 * and what is wrong is a {@link dev.torpor.image.io.Problem} with its byte offset on the disk.
 */
package dev.torpor.image.io.disk;
