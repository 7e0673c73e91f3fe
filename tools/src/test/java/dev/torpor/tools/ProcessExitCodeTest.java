package dev.torpor.tools;

import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real process: {@code main}, {@code System.exit}, a 64 MiB heap, output on the real streams. */
class ProcessExitCodeTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    private static Run torpor(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Torpor.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void exitCodesOfTheProcess() throws Exception {
        assertThat(torpor("inspect", Corpus.swap("k61-nocompress").toString()).exit()).isZero();
        Path plain = InspectCliTest.mkswap(tmp.resolve("plain.swap"), 4);
        assertThat(torpor("inspect", plain.toString()).exit()).isEqualTo(1);
        Path truncated = tmp.resolve("truncated.swap");
        try (var in = Files.newInputStream(Corpus.swap("k61-lzo")); var out = Files.newOutputStream(truncated)) {
            out.write(in.readNBytes(6_000_000));
        }
        Run corrupt = torpor("inspect", truncated.toString());
        assertThat(corrupt.exit()).isEqualTo(2);
        assertThat(corrupt.out()).containsPattern("error at byte \\d+").doesNotContain("Exception");
        Run usage = torpor("inspect", "--bogus", "x");
        assertThat(usage.exit()).isEqualTo(64);
        assertThat(usage.err()).contains("Unknown option");
        Run missing = torpor("inspect", tmp.resolve("nothing" + File.separator + "here").toString());
        assertThat(missing.exit()).isEqualTo(74);
        assertThat(missing.err()).contains("no such file").doesNotContain("Exception");
    }
}
