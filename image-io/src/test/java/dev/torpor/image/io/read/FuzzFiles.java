package dev.torpor.image.io.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch files for the fuzzers: one directory per target and JVM, reused by every input. */
final class FuzzFiles {
    private FuzzFiles() {
    }

    /** One fuzzing step, which may refuse its input. */
    @FunctionalInterface
    interface Step {
        Object run() throws IOException;
    }

    static Path dir(String target) {
        try {
            Path d = Files.createTempDirectory("torpor-fuzz-" + target);
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
