package dev.torpor.platform.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.LongByReference;

/** The few libc functions Torpor binds, with fixed arities. */
interface LibC extends Library {
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;

    int open(String path, int flags);

    int close(int fd);

    int ioctl(int fd, long request, LongByReference arg);

    /** Loaded on first use. */
    final class Holder {
        static final LibC INSTANCE = Native.load("c", LibC.class);

        private Holder() {
        }
    }
}
