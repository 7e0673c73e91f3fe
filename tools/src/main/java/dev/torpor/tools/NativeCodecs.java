package dev.torpor.tools;

import dev.torpor.image.io.Compressor;
import dev.torpor.image.io.UnitEncoders;
import dev.torpor.platform.linux.NativeLzo;

import java.util.Optional;

/** Puts the JNI library's LZO1X-1 (the same bytes as the Java one) under every writer, where the library loads. */
final class NativeCodecs {
    private NativeCodecs() {
    }

    /** Installs what loads here; returns how LZO units are compressed, for the command's report. */
    static String install() {
        Optional<NativeLzo> lzo = NativeLzo.load();
        if (lzo.isPresent()) {
            NativeLzo n = lzo.get();
            Compressor.UnitEncoder encoder = n::compress;
            UnitEncoders.install(Compressor.LZO, "JNI", () -> encoder);
            return "LZO1X-1 through JNI";
        }
        UnitEncoders.uninstall(Compressor.LZO);
        return "LZO1X-1 in Java (" + NativeLzo.unavailabilityCause().orElse("no JNI library") + ")";
    }
}
