package dev.torpor.platform.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** Which block device holds a file: its {@code st_dev}, and the device's name from sysfs. */
public final class FileDevices {
    private FileDevices() {
    }

    /** The device number of the file system holding {@code file} (glibc's {@code major()}/{@code minor()}). */
    public static LinuxFacts.DeviceNumber deviceOf(Path file) throws IOException {
        long dev = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
        return decode(dev);
    }

    /** The device number a device node stands for ({@code st_rdev}), e.g. 254:0 for {@code /dev/vda}. */
    public static LinuxFacts.DeviceNumber numberOf(Path deviceNode) throws IOException {
        long dev = ((Number) Files.getAttribute(deviceNode, "unix:rdev")).longValue();
        return decode(dev);
    }

    /** glibc's {@code major()}/{@code minor()} of a 64-bit {@code dev_t}. */
    private static LinuxFacts.DeviceNumber decode(long dev) {
        int major = (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
        int minor = (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
        return new LinuxFacts.DeviceNumber(major, minor);
    }

    /** {@code /dev/NAME} of a block device, from {@code /sys/dev/block/MAJ:MIN/uevent}, if sysfs knows it. */
    public static Optional<Path> nameOf(LinuxFacts.DeviceNumber dev, Path sysRoot) throws IOException {
        try {
            for (String line : Files.readAllLines(sysRoot.resolve("dev/block/" + dev + "/uevent"))) {
                if (line.startsWith("DEVNAME=")) {
                    return Optional.of(Path.of("/dev", line.substring("DEVNAME=".length())));
                }
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
