package dev.torpor.snapshot.api.device;

import java.util.Optional;

/** The error numbers Torpor meets, from {@code /dev/snapshot} and the other system calls (asm-generic values). */
public enum Errno {
    EPERM(1), ENOENT(2), EINTR(4), EIO(5), EBADF(9), EAGAIN(11), ENOMEM(12), EACCES(13), EFAULT(14), EBUSY(16), ENODEV(19),
    EINVAL(22), ENOTTY(25), ENOSPC(28), ESPIPE(29), ENOSYS(38), ENODATA(61), EOPNOTSUPP(95);

    private final int value;

    Errno(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The name of {@code value} ({@code EBUSY}), or {@code errno N} for one this enum does not name. */
    public static String describe(int value) {
        return of(value).map(Enum::name).orElse("errno " + value);
    }

    public static Optional<Errno> of(int value) {
        for (Errno e : values()) {
            if (e.value == value) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
