/**
 * The {@code /dev/snapshot} interface as a typed Java API: every ioctl with its request number per ABI
 * ({@link dev.torpor.snapshot.api.device.SnapshotIoctl}, {@link dev.torpor.snapshot.api.device.IoctlAbi}), the raw
 * device operations ({@link dev.torpor.snapshot.api.device.SnapshotDevice}, implemented over the real device in
 * platform-linux and by the emulator), failures as {@link dev.torpor.snapshot.api.device.ErrnoException} with the
 * ioctl and errno.
 */
package dev.torpor.snapshot.api.device;
