package dev.torpor.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code torpor hibernate --dry-run --encrypt} as a real process with the launcher flags the help documents and the
 * JVM logging every class it loads: it brings the JVM to rest as a real run does (JIT stopped), and between
 * "torpor: freezing" and the emulated machine's resume no class is loaded (what the QEMU guests check on real
 * kernels, here on the host and on every build).
 */
class HibernateProcessTest {
    @TempDir
    Path tmp;

    @Test
    void theFrozenPartOfADryRunLoadsNoClass() throws Exception {
        Path key = Files.write(tmp.resolve("k.key"), new byte[32]);
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        // the very options the launchers give torpor hibernate (jvm.options), heap and compiler included
        cmd.addAll(List.of(JvmOptions.of("hibernate").split(" ")));
        cmd.addAll(List.of("-Xlog:class+load=info:stdout", "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), Torpor.class.getName(), "hibernate", "--dry-run", "--compress",
                "lz4", "--encrypt", key.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("[class,load]", "torpor: freezing", "torpor: image stored", "torpor: resumed after",
                "torpor: JVM at rest in");
        assertThat(out).as("the dry run, as its own process, stops the JIT before its frozen part as a real run does")
                .contains("JIT stopped, compile queues empty, reference processing done");
        String frozen = out.substring(out.indexOf("torpor: freezing"), out.indexOf("torpor: resumed after"));
        assertThat(frozen.lines().filter(l -> l.contains("[class,load]")).toList()).as(out).isEmpty();
    }
}
