package dev.torpor.tools;

import dev.torpor.hibernation.HibernationHeap;
import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While a hibernation stores its image the JVM's collector is frozen with the system, so whatever the write path
 * allocates must fit the young generation of the hibernate JVM ({@code jvm.options}). This runs the real k61 stream
 * through the writer in a JVM with exactly those options and holds the garbage per stream page to
 * {@link HibernationHeap#BYTES_PER_PAGE} (one thread), {@link HibernationHeap#BYTES_PER_PAGE_THREADED} and
 * {@link HibernationHeap#BYTES_PER_PAGE_ENCRYPTED}, the figures hibernate checks the machine's largest possible image
 * against before it freezes anything.
 */
class WritePathAllocationTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} thread(s), {1}")
    @CsvSource({"1, LZO, plain", "1, LZ4, plain", "2, LZO, plain", "3, LZ4, plain", "1, LZO, encrypted",
            "2, LZ4, encrypted"})
    void theWritePathAllocatesAlmostNothingPerPage(int threads, String compressor, String kind) throws Exception {
        Path stream = tmp.resolve("k61.stream");
        Cli.Result read = Cli.run("read-stream", Corpus.swap("k61-lzo").toString(), "-o", stream.toString(),
                "--allow-swapped-out");
        assertThat(read.exit()).as(read.all()).isZero();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(JvmOptions.of("hibernate").split(" ")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), WritePathAllocation.class.getName(),
                stream.toString(), tmp.resolve("area").toString(), Integer.toString(threads), compressor, kind));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        Matcher m = Pattern.compile("bytes-per-page (\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        long perPage = Long.parseLong(m.group(1));
        assertThat(perPage).as("bytes allocated per stream page with " + threads + " thread(s)")
                .isLessThanOrEqualTo(kind.equals("encrypted") ? HibernationHeap.BYTES_PER_PAGE_ENCRYPTED
                        : threads == 1 ? HibernationHeap.BYTES_PER_PAGE : HibernationHeap.BYTES_PER_PAGE_THREADED);
    }
}
