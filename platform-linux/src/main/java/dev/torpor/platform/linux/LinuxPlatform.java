package dev.torpor.platform.linux;

import com.sun.jna.Native;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Whether the native bindings work here (Linux, and JNA able to load libc), and if not, why: as Netty's
 * {@code Epoll.unavailabilityCause()}, so that a caller can report the reason instead of a bare "unavailable".
 */
public final class LinuxPlatform {
    private static final Throwable CAUSE = probe(System.getProperty("os.name", ""), () -> LibC.Holder.INSTANCE);

    private LinuxPlatform() {
    }

    public static boolean isAvailable() {
        return CAUSE == null;
    }

    /** Why the bindings cannot be used here; empty when they can. */
    public static Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(CAUSE);
    }

    /**
     * Returns normally when the bindings can be used.
     *
     * @throws IllegalStateException naming the cause when they cannot
     */
    public static void ensureAvailability() {
        if (CAUSE != null) {
            throw new IllegalStateException("Torpor's Linux bindings are unavailable: " + CAUSE.getMessage(), CAUSE);
        }
    }

    static Throwable probe(String osName, Supplier<Object> libc) {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
            return new UnsupportedOperationException("this is " + (osName.isEmpty() ? "an unknown system" : osName)
                    + ", not Linux: /dev/snapshot exists only there");
        }
        try {
            if (Native.POINTER_SIZE <= 0 || libc.get() == null) {
                return new UnsatisfiedLinkError("JNA could not load libc");
            }
            return null;
        } catch (LinkageError | RuntimeException e) {
            return e;
        }
    }
}
