package dev.torpor.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config file: what it accepts, and that everything else is refused with the file and line. */
class ConfigFileTest {
    static final Path FILE = Path.of("/etc/torpor/torpor.conf");

    @TempDir
    Path tmp;

    @Test
    void everySettingWithCommentsAndBlankLines() {
        ConfigFile c = ConfigFile.parse(FILE, String.join("\n",
                "# Torpor", "", "device = UUID=1234-abcd", "resume-offset=34816", "  compress = LZ4  ", "threads = 2",
                "image-size = 512M", "shutdown = Platform", "key-file = /etc/torpor/key", "hybrid-sleep = no", ""));
        assertThat(c.entries()).hasSize(Setting.values().length);
        assertThat(c.entries().get(Setting.DEVICE)).isEqualTo(new ConfigFile.Entry("UUID=1234-abcd", 3));
        assertThat(c.entries().get(Setting.COMPRESS).value()).isEqualTo("lz4");
        assertThat(c.entries().get(Setting.IMAGE_SIZE).value()).isEqualTo(Long.toString(512L << 20));
        assertThat(c.entries().get(Setting.SHUTDOWN).value()).isEqualTo("platform");
        assertThat(c.entries().get(Setting.HYBRID_SLEEP)).isEqualTo(new ConfigFile.Entry("no", 10));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "compres = lz4|1|unknown setting 'compres'",
        "compress lz4|1|expected 'key = value'",
        "compress = zstd|1|compress must be lzo, lz4 or none, not 'zstd'",
        "threads = 0|1|threads must be from 1 to 64",
        "threads = two|1|threads must be a whole number",
        "image-size = 12T|1|image-size must be a whole number (K, M, G allowed)",
        "resume-offset = -1|1|resume-offset must be from 0",
        "shutdown = halt|1|shutdown must be poweroff, reboot, platform, suspend",
        "hybrid-sleep = maybe|1|hybrid-sleep must be yes, no",
        "device = sda2|1|device must be an absolute path",
        "device = UUUID=x|1|device must be a path, UUID=",
        "key-file = key|1|key-file must be an absolute path",
        "compress =|1|compress has no value",
    })
    void aBadLineRefusesTheFileWithItsNameAndLine(String line, int number, String message) {
        assertThatThrownBy(() -> ConfigFile.parse(FILE, "# comment\n" + line + "\n"))
                .isInstanceOf(ConfigFile.Invalid.class)
                .hasMessageStartingWith(FILE + ":" + (number + 1) + ": ")
                .hasMessageContaining(message);
    }

    @Test
    void aRepeatedKeyNamesBothLines() {
        assertThatThrownBy(() -> ConfigFile.parse(FILE, "compress = lz4\n\ncompress = lzo\n"))
                .hasMessage(FILE + ":3: compress is already set on line 1");
    }

    @Test
    void theDefaultFileMayBeMissingANamedOneMayNot() throws Exception {
        Path missing = tmp.resolve("missing.conf");
        assertThat(ConfigFile.load(missing, false).path()).isEmpty();
        assertThatThrownBy(() -> ConfigFile.load(missing, true)).isInstanceOf(ConfigFile.Invalid.class)
                .hasMessage(missing + ": no such file");
    }

    @Test
    void binaryOrHugeFilesAreRefusedAsAWhole() throws Exception {
        Path binary = Files.write(tmp.resolve("binary.conf"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> ConfigFile.load(binary, true)).hasMessage(binary + ": not UTF-8 text");
        Path huge = Files.write(tmp.resolve("huge.conf"), new byte[100_000]);
        assertThatThrownBy(() -> ConfigFile.load(huge, true)).hasMessageContaining("not a config file");
    }

    @Test
    void flagsWinOverTheFileWhichWinsOverDefaults() {
        ConfigFile c = ConfigFile.parse(FILE, "compress = lz4\nthreads = 2\n");
        Settings s = Settings.resolve(c, Map.of(Setting.THREADS, "3"));
        assertThat(s.value(Setting.COMPRESS)).isEqualTo(new Settings.Value("lz4", FILE + ":1"));
        assertThat(s.value(Setting.THREADS)).isEqualTo(new Settings.Value("3", "command line"));
        assertThat(s.value(Setting.SHUTDOWN)).isEqualTo(new Settings.Value("poweroff", "default"));
        assertThat(s.value(Setting.DEVICE).value()).isNull();
        assertThatThrownBy(() -> Settings.resolve(c, Map.of(Setting.COMPRESS, "zstd")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--compress: ");
    }

    @ParameterizedTest
    @CsvSource({"1,1", "2,1", "3,2", "4,3", "64,3"})
    void threadsDefaultToTheKernelsRuleOnlineCpusLessOneFromOneToThree(int cpus, int threads) {
        assertThat(Setting.kernelThreads(cpus)).isEqualTo(threads);
    }
}
