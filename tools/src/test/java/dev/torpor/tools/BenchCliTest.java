package dev.torpor.tools;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code torpor bench read} on a real image that has no compressed units: a usage error that says why. */
class BenchCliTest {
    @Test
    void theReadBenchOfAnUncompressedImageIsAUsageErrorThatSaysWhatItNeeds() {
        Path image = Path.of(System.getProperty("torpor.testdata", "../testdata"), "corpus", "k61-nocompress.swap.gz");
        Cli.Result r = Cli.run("bench", "read", "--source", image.toString(), "--seconds", "1");
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("holds an uncompressed image; the read benchmark needs LZO or LZ4 units")
                .doesNotContain("corrupt image", "Exception");
    }
}
