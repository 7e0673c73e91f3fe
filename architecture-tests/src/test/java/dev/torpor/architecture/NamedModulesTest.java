package dev.torpor.architecture;

import dev.torpor.architecture.modulepath.ModulePathProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library jars as an integrator's module path sees them: the named modules export only their API packages
 * (JNA alone may reflect into the platform module), image-io is an automatic module under its stable name, and a
 * program on the module path reads a real image and makes JNA calls from inside the named platform module.
 */
class NamedModulesTest {
    private static final List<String> LIBRARIES = List.of("snapshot-api", "swap-format", "image-io",
            "platform-linux", "hibernation");

    @TempDir
    Path tmp;

    private static ModuleDescriptor descriptor(String module) {
        return ModuleFinder.of(PublishedArtifactsTest.artifact(module, "")).findAll().iterator().next().descriptor();
    }

    private static Set<String> exports(ModuleDescriptor d) {
        return d.exports().stream().map(e -> e.source() + (e.isQualified() ? " to " + e.targets() : ""))
                .collect(Collectors.toSet());
    }

    @Test
    void theNamedModulesExportOnlyTheirApi() {
        Map<String, Set<String>> expected = Map.of(
                "snapshot-api", Set.of("dev.torpor.snapshot.api", "dev.torpor.snapshot.api.device",
                        "dev.torpor.snapshot.api.emulator", "dev.torpor.snapshot.api.session"),
                "swap-format", Set.of("dev.torpor.swap.format"),
                "platform-linux", Set.of("dev.torpor.platform.linux"),
                "hibernation", Set.of("dev.torpor.hibernation"));
        expected.forEach((module, packages) -> {
            ModuleDescriptor d = descriptor(module);
            assertThat(d.isAutomatic()).as(module + " is a named module").isFalse();
            assertThat(exports(d)).as(module).isEqualTo(packages);
        });
        ModuleDescriptor platform = descriptor("platform-linux");
        assertThat(platform.opens()).singleElement().satisfies(o -> {
            assertThat(o.source()).isEqualTo("dev.torpor.platform.linux");
            assertThat(o.targets()).containsExactly("com.sun.jna");
        });
        assertThat(platform.isOpen()).isFalse();
        ModuleDescriptor imageIo = descriptor("image-io");
        assertThat(imageIo.isAutomatic()).as("aircompressor has no module name, see image-io's pom").isTrue();
        assertThat(imageIo.name()).isEqualTo("dev.torpor.image.io");
    }

    /** The whole module graph resolves, and works, in a JVM of its own: the probe runs on the class path. */
    @Test
    void aProgramOnTheModulePathReadsAnImageAndCallsTheKernelThroughJna() throws Exception {
        Path image = tmp.resolve("k612-lzo.swap");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(
                System.getProperty("torpor.testdata", "../testdata"), "corpus", "k612-lzo.swap.gz")))) {
            Files.copy(in, image);
        }
        List<String> modulePath = new ArrayList<>();
        for (String m : LIBRARIES) {
            modulePath.add(PublishedArtifactsTest.artifact(m, "").toString());
        }
        List<String> classPath = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            if (name.matches("(jna|aircompressor|slf4j-api|micrometer-(core|commons|observation)|HdrHistogram"
                    + "|LatencyUtils)-[0-9].*\\.jar")) {
                modulePath.add(e);
            } else if (e.endsWith("test-classes")) {
                classPath.add(e); // the probe
            }
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--module-path", String.join(File.pathSeparator, modulePath),
                // image-io is automatic, so what it needs is not resolved from its descriptor: add the module path
                "--add-modules", "ALL-MODULE-PATH", "-cp", String.join(File.pathSeparator, classPath),
                ModulePathProbe.class.getName(), image.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("module dev.torpor.image.io named=true", "module dev.torpor.platform.linux named=true "
                + "descriptor=true", "module dev.torpor.hibernation automatic=false", "codecs LZO1X-1 through JNI", "verdict VALID",
                "unavailability none", "uname " + System.getProperty("os.arch").replace("amd64", "x86_64"));
    }
}
