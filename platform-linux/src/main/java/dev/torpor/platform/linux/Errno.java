package dev.torpor.platform.linux;

import java.util.Map;

/** Names of the errno values Torpor reports. */
final class Errno {
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(5, "EIO"), Map.entry(9, "EBADF"),
            Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"),
            Map.entry(19, "ENODEV"), Map.entry(22, "EINVAL"), Map.entry(25, "ENOTTY"), Map.entry(28, "ENOSPC"),
            Map.entry(38, "ENOSYS"), Map.entry(61, "ENODATA"), Map.entry(95, "EOPNOTSUPP"));

    private Errno() {
    }

    static String describe(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
