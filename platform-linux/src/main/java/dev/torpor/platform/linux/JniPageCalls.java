package dev.torpor.platform.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The per-page calls of {@code /dev/snapshot} ({@code readv}, {@code writev}, {@code read}, {@code write},
 * {@code ioctl}) as JNI functions of a small library the build makes from {@code src/main/c}, with C loops of the
 * same calls as the reference a rehearsal measures against. Results are the call's result or {@code -errno}: nothing
 * allocates, nothing throws. JNA stays the binding for everything else.
 */
final class JniPageCalls {
    /** Where the library is looked for first (a directory holding {@code libtorpor-native.so}), as the package sets. */
    static final String PATH_PROPERTY = "torpor.native.path";
    private static final String LIBRARY = "libtorpor-native.so";
    private static final Optional<String> UNAVAILABLE = load();

    private JniPageCalls() {
    }

    /** Why the JNI calls cannot be used here, or empty when they can. */
    static Optional<String> unavailabilityCause() {
        return UNAVAILABLE;
    }

    static boolean isAvailable() {
        return UNAVAILABLE.isEmpty();
    }

    private static Optional<String> load() {
        try {
            String dir = System.getProperty(PATH_PROPERTY);
            if (dir != null && Files.isRegularFile(Path.of(dir, LIBRARY))) {
                System.load(Path.of(dir, LIBRARY).toAbsolutePath().toString());
                return Optional.empty();
            }
            String arch = switch (System.getProperty("os.arch", "")) {
                case "amd64", "x86_64" -> "x86_64";
                case "aarch64" -> "aarch64";
                default -> System.getProperty("os.arch", "");
            };
            String resource = "/META-INF/native/linux-" + arch + "/" + LIBRARY;
            try (InputStream in = JniPageCalls.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return Optional.of("this jar has no " + resource + " (built without gcc, or for another machine)");
                }
                Path tmp = Files.createTempFile("torpor-native", ".so");
                try {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    System.load(tmp.toAbsolutePath().toString());
                } finally {
                    Files.deleteIfExists(tmp); // loaded: the mapping stays
                }
            }
            return Optional.empty();
        } catch (IOException | LinkageError | RuntimeException e) {
            return Optional.of("the JNI library could not be loaded: " + e);
        }
    }

    static native long readv0(int fd, long iov, int count);

    /** {@code readv} of up to {@code count} (at most 64) iovecs of {@code length} bytes into {@code dst} at {@code offset}. */
    static native long readvArray0(int fd, byte[] dst, int offset, int count, int length);

    static native long writev0(int fd, long iov, int count);

    /** {@code writev} of up to {@code count} (at most 1024) iovecs of {@code length} bytes from direct {@code src} at {@code offset}. */
    static native long writevDirect0(int fd, java.nio.ByteBuffer src, int offset, int count, int length);

    /** {@code writev} of up to {@code count} (at most 64) iovecs of {@code length} bytes from {@code src} at {@code offset}. */
    static native long writevArray0(int fd, byte[] src, int offset, int count, int length);

    static native long read0(int fd, long buf, long count);

    static native long write0(int fd, long buf, long count);

    static native long ioctl0(int fd, long request, long arg);

    /**
     * FREEZE and ATOMIC_RESTORE back to back in C (see torpor_native.c); returns only on failure: {@code -errno} of
     * FREEZE, or {@code -(1 << 32 | errno)} of the restore, after which {@code fd} is closed (that thaws the processes).
     */
    static native long freezeAndRestore0(int fd, long freeze, long restore);

    /** C: {@code loops} readv calls of {@code count} iovecs; nanoseconds, or {@code -errno}. */
    static native long referenceReadv0(int fd, long iov, int count, int loops);

    /** C: {@code loops} ioctl calls (their results ignored); nanoseconds. */
    static native long referenceIoctl0(int fd, long request, long arg, int loops);
}
