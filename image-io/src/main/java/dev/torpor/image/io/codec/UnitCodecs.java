package dev.torpor.image.io.codec;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which implementation compresses and decompresses units, per compressor. By default the pure-Java ones of
 * {@link Compressor#encoder()} and aircompressor; a platform may install a pair that gives the same bytes faster
 * (platform-linux's JNI LZO, which a hibernating JVM needs because its JIT stops before the freeze, and a resuming one
 * because it has only just started). Every writer and reader takes its coders from here, so an installed pair serves
 * hibernation, resume, {@code write-image}, {@code inspect} and the benchmarks alike.
 */
public final class UnitCodecs {
    private static final Map<Compressor, Installed> INSTALLED = new EnumMap<>(Compressor.class);

    /**
     * A pair of coders that must give exactly the bytes of the Java ones (compatibility tests compare them), named for
     * reports ({@code "JNI"}). Each coder supplied is used by one thread at a time.
     */
    public record Installed(String name, Supplier<Compressor.UnitEncoder> encoders,
                            Supplier<Compressor.UnitDecoder> decoders,
                            Optional<Supplier<Compressor.DirectUnitDecoder>> directDecoders) {
        public Installed {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(encoders, "encoders");
            Objects.requireNonNull(decoders, "decoders");
            Objects.requireNonNull(directDecoders, "directDecoders");
        }

        /** A pair without a direct decoder. */
        public Installed(String name, Supplier<Compressor.UnitEncoder> encoders,
                         Supplier<Compressor.UnitDecoder> decoders) {
            this(name, encoders, decoders, Optional.empty());
        }
    }

    private UnitCodecs() {
    }

    /** Makes {@code coders} the implementation of {@code compressor} from now on. */
    public static synchronized void install(Compressor compressor, Installed coders) {
        Objects.requireNonNull(coders, "coders");
        if (compressor == Compressor.NONE) {
            throw new IllegalArgumentException("uncompressed images have no unit coders");
        }
        INSTALLED.put(compressor, coders);
    }

    /** Goes back to the Java coders for {@code compressor}. */
    public static synchronized void uninstall(Compressor compressor) {
        INSTALLED.remove(compressor);
    }

    /** A new encoder for {@code compressor}: the installed one, else Java's. Not thread-safe. */
    public static synchronized Compressor.UnitEncoder encoder(Compressor compressor) {
        Installed i = INSTALLED.get(compressor);
        return i == null ? compressor.encoder() : i.encoders().get();
    }

    /** A new decoder for {@code compressor}: the installed one, else aircompressor's. Not thread-safe. */
    public static synchronized Compressor.UnitDecoder decoder(Compressor compressor) {
        Installed i = INSTALLED.get(compressor);
        return i == null ? compressor.decoder() : i.decoders().get();
    }

    /**
     * A decoder between direct buffers that also carries the CRC32, where the installed pair has one (a native coder);
     * empty for the Java coders, which readers then use through {@link #decoder}. Not thread-safe.
     */
    public static synchronized Optional<Compressor.DirectUnitDecoder> directDecoder(Compressor compressor) {
        Installed i = INSTALLED.get(compressor);
        return i == null ? Optional.empty() : i.directDecoders().map(Supplier::get);
    }

    /** What {@link #encoder} and {@link #decoder} use for {@code compressor}: an installed pair's name, or "Java". */
    public static synchronized String implementation(Compressor compressor) {
        Installed i = INSTALLED.get(compressor);
        return i == null ? "Java" : i.name();
    }
}
