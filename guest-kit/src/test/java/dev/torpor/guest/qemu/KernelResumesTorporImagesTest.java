package dev.torpor.guest.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ImageSlots;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.tools.Torpor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proof on real kernels, where the bug would be: a Debian 6.1 guest (and a 6.12 one from bookworm-backports)
 * (QEMU, TCG, 256 MiB) fills 200 MiB of RAM file with random data, so that it swaps, and hibernates. On the host
 * Torpor reads the kernel's image and writes it again in place (in a copy of the real area, {@code --replace}: only
 * into the pages of the kernel's image), with its own writer (uncompressed, LZO with Torpor's LZO1X-1, or LZ4). Every
 * other page of the area is untouched (uncompressed, the new image is the kernel's byte for byte); the guest boots from the copy, the kernel resumes Torpor's image, and the
 * restored system reads back what it kept in RAM, its swapped-out pages included.
 */
@Tag("qemu")
class KernelResumesTorporImagesTest {
    private static final int PRESSURE_MIB = 200;
    private static final int PAGE = 4096;
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

    /** The two kernels side by side, one guest per host core. */
    @ParameterizedTest(name = "6.1 --compress {0}, 6.12 --compress {1}")
    @CsvSource({"none, lz4", "lzo, lzo"})
    void bothKernelsResumeAnImageTorporWrote(String on61, String on612) throws Exception {
        GuestKit.sideBySide(List.of(() -> rewriteInPlaceAndResume(kit, on61),
                () -> rewriteInPlaceAndResume(kit612, on612)));
    }

    private Void rewriteInPlaceAndResume(GuestKit kit, String compressor) throws Exception {
        Path tmp = Files.createDirectories(this.tmp.resolve(kit.kernel().getFileName() + "-" + compressor));
        Path disk = tmp.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(512L << 20);
        }
        GuestKit.run(tmp, "mkswap", disk.toString());

        // the kernel writes the image in the format Torpor writes again, so that the new one fits in its pages
        String kernelFormat = switch (compressor) {
            case "none" -> " hibernate=nocompress";
            case "lz4" -> " hibernate.compressor=lz4";
            default -> "";
        };
        String hibernate = kit.boot(disk, "torpor.mode=hibernate torpor.pressure=" + PRESSURE_MIB + kernelFormat,
                600, false);
        Matcher marker = Pattern.compile("TORPOR-GUEST marker=([0-9a-f]{32}) ballast=([0-9a-f]{64})")
                .matcher(hibernate);
        Matcher pressure = Pattern.compile("TORPOR-GUEST pressure=([0-9a-f]{64}) swapped-kib=(\\d+)")
                .matcher(hibernate);
        assertThat(marker.find()).as(hibernate).isTrue();
        assertThat(pressure.find()).as(hibernate).isTrue();
        assertThat(Long.parseLong(pressure.group(2))).as("the guest swapped before hibernating").isPositive();
        assertThat(hibernate).doesNotContain("TORPOR-GUEST RESUMED");

        JsonNode kernelImage = inspectJson(disk);
        assertThat(kernelImage.path("image").path("slotsOutsideImage").asLong())
                .as("the area holds swapped-out pages outside the kernel's image").isPositive();
        // converting into another area would lose them: refused unless asked for
        Path stream = tmp.resolve("image.stream");
        assertThat(cli("read-stream", disk.toString(), "-o", stream.toString())).isEqualTo(65);
        assertThat(cli("read-stream", disk.toString(), "-o", stream.toString(), "--allow-swapped-out")).isZero();

        // rewritten in place, in a copy of the real area; the original stays for the comparison
        Path copy = Files.copy(disk, tmp.resolve("copy.img"));
        assertThat(cli("write-image", stream.toString(), "--to", copy.toString(), "--replace", "--compress",
                compressor, "--quiet")).as("the %s image fits in the kernel's pages", compressor).isZero();
        assertThat(cli("inspect", copy.toString())).isZero();
        long changed = assertOnlyImagePagesDiffer(disk, copy);
        System.out.printf("%s %s: swapped %s KiB before hibernating, %d pages outside the kernel's image, %d pages "
                + "rewritten%n", kit.kernel().getFileName(), compressor, pressure.group(2),
                kernelImage.path("image").path("slotsOutsideImage").asLong(), changed);
        if (compressor.equals("none")) {
            assertThat(changed).as("uncompressed, in the same pages: byte for byte the kernel's own image").isZero();
        }

        String resume = kit.boot(copy, "torpor.mode=resume", 600, false);
        assertThat(resume).as(resume)
                .contains("TORPOR-GUEST RESUMED marker=" + marker.group(1) + " ballast=" + marker.group(2))
                .contains("TORPOR-GUEST RESUMED pressure=" + pressure.group(1))
                .doesNotContain("TORPOR-GUEST NO-RESUME");
        assertThat(cli("inspect", copy.toString())).as("the kernel consumed the image").isEqualTo(1);
        return null;
    }

    /**
     * Every page of {@code rewritten} that is not one of its image's pages (or the header) is as in {@code was};
     * returns how many pages differ.
     */
    private static long assertOnlyImagePagesDiffer(Path was, Path rewritten) throws IOException {
        ImageSlots mine;
        try (HibernationImage image = HibernationImage.open(rewritten, ReadOptions.defaults())) {
            mine = image.slots().orElseThrow();
        }
        long changed = 0;
        try (InputStream a = Files.newInputStream(was); InputStream b = Files.newInputStream(rewritten)) {
            byte[] pa = new byte[PAGE];
            byte[] pb = new byte[PAGE];
            for (long page = 0; a.readNBytes(pa, 0, PAGE) == PAGE && b.readNBytes(pb, 0, PAGE) == PAGE; page++) {
                if (!Arrays.equals(pa, pb)) {
                    assertThat(page == 0 || mine.contains(page)).as("page %d changed outside the new image", page)
                            .isTrue();
                    changed++;
                }
            }
        }
        return changed;
    }

    private static JsonNode inspectJson(Path disk) throws IOException {
        StringWriter out = new StringWriter();
        assertThat(Torpor.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "inspect", "--json",
                disk.toString())).isZero();
        return new ObjectMapper().readTree(out.toString());
    }

    private static int cli(String... args) {
        return Torpor.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    }
}
