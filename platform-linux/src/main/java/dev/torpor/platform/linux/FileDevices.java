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

    /**
     * The block device that stores {@code file}: {@link #deviceOf} on most file systems; on btrfs (whose files carry
     * an anonymous device number, 0:N, one per subvolume) the source of its mount in {@code /proc/self/mountinfo}.
     */
    public static LinuxFacts.DeviceNumber storageDeviceOf(Path file) throws IOException {
        LinuxFacts.DeviceNumber dev = deviceOf(file);
        if (dev.major() != 0) {
            return dev;
        }
        String real = file.toRealPath().toString();
        String best = null;
        String source = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            int dash = java.util.Arrays.asList(f).indexOf("-");
            // by mount point, not by device number: a btrfs subvolume's files carry another anonymous number than
            // the one mountinfo shows
            if (f.length < 5 || dash < 0 || dash + 2 >= f.length) {
                continue;
            }
            String mount = unescape(f[4]);
            boolean under = real.equals(mount) || real.startsWith(mount.endsWith("/") ? mount : mount + "/");
            if (under && (best == null || mount.length() > best.length())) {
                best = mount;
                source = unescape(f[dash + 2]);
            }
        }
        if (source == null || !source.startsWith("/dev/")) {
            throw new IOException(file + " is on a file system with no block device of its own (" + dev
                    + (source == null ? "" : ", mounted from " + source) + ")");
        }
        return numberOf(Path.of(source));
    }

    /** mountinfo's octal escapes ({@code \040} for a space). */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
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
