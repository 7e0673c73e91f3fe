package dev.torpor.platform.linux;

import com.sun.jna.Native;

import java.util.Locale;

/** Whether the native bindings work here (Linux, and JNA able to load libc). */
public final class LinuxPlatform {
    private static final boolean AVAILABLE = probe();

    private LinuxPlatform() {
    }

    public static boolean isAvailable() {
        return AVAILABLE;
    }

    private static boolean probe() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        try {
            return Native.POINTER_SIZE > 0 && LibC.Holder.INSTANCE != null;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }
}
