package dev.torpor.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reading example, run as its own process from the shaded jar's classes, on a real image a Debian 6.1 kernel wrote
 * (k61-lzo of Torpor's corpus: 19,737 pages, none of them zero pages, per its expected.json).
 */
class ReadImageTest {
    @TempDir
    Path tmp;

    @Test
    void readsARealKernelImageAndFindsItValid() throws Exception {
        Path swap = tmp.resolve("k61-lzo.swap");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                Path.of(System.getProperty("torpor.testdata", "../testdata"), "corpus", "k61-lzo.swap.gz")))) {
            Files.copy(in, swap);
        }
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReadImage.class.getName(), swap.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("verdict: VALID").doesNotContain("problem:")
                .containsPattern("pages: 19737 with data, 0 zero, the first at PFN \\d+");
    }

    @Test
    void aFileWithoutAnImageIsNotValid() throws Exception {
        Path empty = Files.write(tmp.resolve("empty.swap"), new byte[64 * 4096]);
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReadImage.class.getName(), empty.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("verdict: NO_IMAGE", "problem: warning at byte 4086").doesNotContain("pages:")
                .doesNotContain("Exception");
    }
}
