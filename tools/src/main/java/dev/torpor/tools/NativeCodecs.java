package dev.torpor.tools;

import dev.torpor.image.io.Compressor;
import dev.torpor.image.io.UnitCodecs;
import dev.torpor.platform.linux.NativeLzo;

import java.util.Optional;

/** Puts the JNI library's LZO (the same bytes as the Java coders) under every writer and reader, where it loads. */
final class NativeCodecs {
    private NativeCodecs() {
    }

    /** Installs what loads here; returns how LZO units are compressed, for the command's report. */
    static String install() {
        Optional<NativeLzo> lzo = NativeLzo.load();
        if (lzo.isPresent()) {
            NativeLzo n = lzo.get();
            Compressor.UnitEncoder encoder = n::compress;
            Compressor.UnitDecoder decoder = n::decompress;
            UnitCodecs.install(Compressor.LZO, new UnitCodecs.Installed("JNI", () -> encoder, () -> decoder));
            return "LZO1X-1 through JNI";
        }
        UnitCodecs.uninstall(Compressor.LZO);
        return "LZO1X-1 in Java (" + NativeLzo.unavailabilityCause().orElse("no JNI library") + ")";
    }
}
