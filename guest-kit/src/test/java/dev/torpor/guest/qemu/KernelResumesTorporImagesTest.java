package dev.torpor.guest.qemu;

import dev.torpor.tools.Torpor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof on real kernels: a Debian 6.1 guest (and a 6.12 one from bookworm-backports, for LZ4) (QEMU, TCG) hibernates; on the host Torpor reads the
 * kernel's image, invalidates it and writes the same stream again with its own writer (uncompressed, or LZO
 * with Torpor's LZO1X-1); the guest boots, the kernel resumes Torpor's image, and the restored system prints
 * the random marker it kept in RAM before hibernating.
 */
class KernelResumesTorporImagesTest {
    private static GuestKit kit;
    private static GuestKit kit612;

    @TempDir
    Path tmp;

    @BeforeAll
    static void guest() throws Exception {
        kit = GuestKit.prepare(Path.of("target", "qemu"), "linux-image-amd64");
        kit612 = GuestKit.prepare(Path.of("target", "qemu-bpo"), "linux-image-amd64",
                "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian "
                        + "bookworm-backports main");
    }

    @ParameterizedTest(name = "6.1 --compress {0}")
    @ValueSource(strings = {"none", "lzo"})
    void the61KernelResumesAnImageTorporWrote(String compressor) throws Exception {
        rewriteAndResume(kit, compressor);
    }

    @ParameterizedTest(name = "6.12 --compress {0}")
    @ValueSource(strings = {"lz4", "lzo"})
    void the612KernelResumesAnImageTorporWrote(String compressor) throws Exception {
        rewriteAndResume(kit612, compressor);
    }

    private void rewriteAndResume(GuestKit kit, String compressor) throws Exception {
        Path disk = tmp.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(192L << 20);
        }
        GuestKit.run(tmp, "mkswap", disk.toString());

        String hibernate = kit.boot(disk, "hibernate", 300);
        Matcher marker = Pattern.compile("TORPOR-GUEST marker=([0-9a-f]{32})").matcher(hibernate);
        assertThat(marker.find()).as(hibernate).isTrue();
        assertThat(hibernate).doesNotContain("TORPOR-GUEST RESUMED");
        assertThat(cli("inspect", disk.toString())).as("the kernel wrote a valid image").isZero();

        // rewritten in the same area, whose other used pages hold what the guest swapped out: as LZO, replaced in
        // the kernel's LZO image's pages; otherwise (more pages than those, possibly) invalidated and written into
        // the empty pages
        Path stream = tmp.resolve("image.stream");
        assertThat(cli("read-stream", disk.toString(), "-o", stream.toString(), "--allow-swapped-out")).isZero();
        if (!compressor.equals("lzo")) {
            assertThat(cli("invalidate", disk.toString())).isZero();
            assertThat(cli("inspect", disk.toString())).isEqualTo(1);
            assertThat(cli("write-image", stream.toString(), "--to", disk.toString(), "--compress", compressor,
                    "--quiet")).isZero();
        } else {
            assertThat(cli("write-image", stream.toString(), "--to", disk.toString(), "--replace", "--compress",
                    compressor, "--quiet")).isZero();
        }
        assertThat(cli("inspect", disk.toString())).isZero();

        String resume = kit.boot(disk, "resume", 300);
        assertThat(resume).as(resume).contains("TORPOR-GUEST RESUMED marker=" + marker.group(1))
                .doesNotContain("TORPOR-GUEST NO-RESUME");
        assertThat(cli("inspect", disk.toString())).as("the kernel consumed the image").isEqualTo(1);
    }

    private static int cli(String... args) {
        return Torpor.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    }
}
