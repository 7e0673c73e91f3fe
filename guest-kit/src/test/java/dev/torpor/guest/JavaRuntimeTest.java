package dev.torpor.guest;

import dev.torpor.platform.linux.JvmQuiescence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guests' runtime has what torpor hibernate needs: a JVM limited to {@link JavaRuntime#MODULES} can stop its JIT
 * (without jdk.jfr the DiagnosticCommand MBean lists no command, which a guest run found). And a runtime made for
 * fewer modules is not taken for a complete one.
 */
class JavaRuntimeTest {
    @TempDir
    Path tmp;

    /** The child. */
    public static void main(String[] args) throws Exception {
        JvmQuiescence.Stopped r = JvmQuiescence.stopCompilation(Path.of(args[0]));
        System.out.println("STOPPED " + r.stopped() + " " + r.problem());
        // public-key images: X25519 is jdk.crypto.ec's (a Debian guest found the package's runtime without it)
        byte[] k = new byte[32];
        k[0] = 1;
        System.out.println("X25519 " + dev.torpor.image.io.encrypted.X25519.publicKey(k).length);
    }

    @Test
    void theRuntimesModulesLetHibernateStopTheJit() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--limit-modules", JavaRuntime.MODULES, "-cp", System.getProperty("java.class.path"),
                JavaRuntimeTest.class.getName(), tmp.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("STOPPED true").contains("X25519 32");
    }

    @Test
    void aRuntimeWithFewerModulesIsMadeAgain() throws Exception {
        Path jrt = Files.createDirectories(tmp.resolve("jrt"));
        Files.writeString(jrt.resolve("release"), "JAVA_VERSION=\"17\"\nMODULES=\"java.base java.logging\"\n");
        assertThat(JavaRuntime.hasModules(jrt)).isFalse();
        Files.writeString(jrt.resolve("release"), "MODULES=\"" + JavaRuntime.MODULES.replace(',', ' ')
                + " java.xml\"\n");
        assertThat(JavaRuntime.hasModules(jrt)).isTrue();
        assertThat(JavaRuntime.hasModules(tmp.resolve("nothing"))).isFalse();
    }
}
