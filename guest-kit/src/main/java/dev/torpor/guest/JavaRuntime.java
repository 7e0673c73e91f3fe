package dev.torpor.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The guests' Java runtime: made once by jlink from a host JDK, with its class-data-sharing archive. */
public final class JavaRuntime {
    /** What torpor.jar needs: the same modules as the Debian package's runtime. */
    static final String MODULES = dev.torpor.tools.Torpor.RUNTIME_MODULES;

    private JavaRuntime() {
    }

    /** Whether {@code jdkHome} can make runtimes (a JDK with jlink, not a bare runtime). */
    public static boolean canLink(Path jdkHome) {
        return Files.isExecutable(jdkHome.resolve("bin/jlink"));
    }

    /**
     * Makes the runtime at {@code jrt} unless a complete one with every module of {@link #MODULES} is there (a
     * half-made one, left by a stopped run, or one made for fewer modules is made again). Synchronized: guests
     * prepared in parallel share one runtime.
     */
    public static synchronized Path ensure(Path jdkHome, Path jrt) throws IOException {
        if (!Files.isRegularFile(jrt.resolve("lib/server/classes.jsa")) || !hasModules(jrt)) {
            if (!canLink(jdkHome)) {
                throw new IOException(jdkHome + " has no bin/jlink: run torpor with a JDK, not a bare runtime");
            }
            if (Files.exists(jrt)) {
                try (Stream<Path> s = Files.walk(jrt)) {
                    for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(jrt.toAbsolutePath().getParent());
            HostProgram.run(jrt.toAbsolutePath().getParent(), jdkHome.resolve("bin/jlink").toString(),
                    "--add-modules", MODULES, "--strip-debug", "--no-man-pages", "--no-header-files",
                    "--compress=2", "--generate-cds-archive", "--output", jrt.toAbsolutePath().toString());
            Files.deleteIfExists(jrt.resolve("lib/server/classes_nocoops.jsa")); // the guest heap uses compressed oops
        }
        return jrt;
    }

    /** Whether the runtime's {@code release} file lists every module Torpor needs. */
    static boolean hasModules(Path jrt) throws IOException {
        Path release = jrt.resolve("release");
        if (!Files.isRegularFile(release)) {
            return false;
        }
        String modules = Files.readAllLines(release).stream().filter(l -> l.startsWith("MODULES="))
                .findFirst().orElse("");
        java.util.Set<String> have = java.util.Set.of(modules.replaceAll("^MODULES=\"?|\"$", "").split(" "));
        return have.containsAll(java.util.List.of(MODULES.split(",")));
    }
}
