package dev.torpor.image.io;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Which implementation compresses units, per compressor. By default the pure-Java encoders of
 * {@link Compressor#encoder()}; a platform may install one that writes the same bytes faster (platform-linux's JNI
 * LZO1X-1, which a hibernating JVM needs because its JIT stops before the freeze). Every writer takes its encoders
 * from here, so an installed one serves hibernation, {@code write-image} and the benchmarks alike.
 */
public final class UnitEncoders {
    private static final Map<Compressor, Installed> INSTALLED = new EnumMap<>(Compressor.class);

    private record Installed(String name, Supplier<Compressor.UnitEncoder> supplier) {
    }

    private UnitEncoders() {
    }

    /**
     * Makes {@code supplier} the source of {@code compressor}'s encoders from now on. It must produce exactly the
     * bytes of the Java encoder (image-compatibility tests compare them), be named for reports ({@code "JNI"}), and its
     * encoders may be used from one thread each.
     */
    public static synchronized void install(Compressor compressor, String name, Supplier<Compressor.UnitEncoder> supplier) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(supplier, "supplier");
        if (compressor == Compressor.NONE) {
            throw new IllegalArgumentException("uncompressed images have no unit encoder");
        }
        INSTALLED.put(compressor, new Installed(name, supplier));
    }

    /** Goes back to the Java encoder for {@code compressor}. */
    public static synchronized void uninstall(Compressor compressor) {
        INSTALLED.remove(compressor);
    }

    /** A new encoder for {@code compressor}: the installed one, else Java's. Not thread-safe. */
    public static synchronized Compressor.UnitEncoder create(Compressor compressor) {
        Installed i = INSTALLED.get(compressor);
        return i == null ? compressor.encoder() : i.supplier().get();
    }

    /** The implementation {@link #create} uses for {@code compressor}: an installed one's name, or {@code "Java"}. */
    public static synchronized String implementation(Compressor compressor) {
        Installed i = INSTALLED.get(compressor);
        return i == null ? "Java" : i.name();
    }
}
