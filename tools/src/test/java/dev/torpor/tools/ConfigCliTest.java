package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code torpor config}, and hibernate and resume reading the same file. */
class ConfigCliTest {
    @TempDir
    Path tmp;

    @Test
    void configPrintsEachSettingAndItsSource() throws Exception {
        Path conf = Files.writeString(tmp.resolve("torpor.conf"), "# test\ndevice = /dev/vdb1\ncompress = lz4\n");
        Cli.Result r = Cli.run("config", "--config", conf.toString(), "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode s = new ObjectMapper().readTree(r.out()).get("settings");
        assertThat(s.get("device").get("value").asText()).isEqualTo("/dev/vdb1");
        assertThat(s.get("device").get("source").asText()).isEqualTo(conf + ":2");
        assertThat(s.get("compress").get("source").asText()).isEqualTo(conf + ":3");
        assertThat(s.get("threads").get("value").asText())
                .isEqualTo(Integer.toString(Setting.kernelThreads(Runtime.getRuntime().availableProcessors())));
        assertThat(s.get("threads").get("source").asText()).isEqualTo(Setting.THREADS_DEFAULT);
        Cli.Result text = Cli.run("config", "--config", conf.toString());
        assertThat(text.out()).containsPattern("compress +lz4 +" + java.util.regex.Pattern.quote(conf + ":3"))
                .contains("config file: " + conf);
    }

    @Test
    void theCommandLineOverridesTheFile() throws Exception {
        Path conf = Files.writeString(tmp.resolve("torpor.conf"), "compress = lz4\nthreads = 2\n");
        Cli.Result r = Cli.run("hibernate", "--dry-run", "--config", conf.toString(), "--compress", "none");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("compress none (command line)", "threads 2 (" + conf + ":2)",
                "shutdown poweroff (default)", "memory intact");
    }

    @Test
    void aBadConfigRefusesHibernationAndResumeWithFileAndLine() throws Exception {
        Path conf = Files.writeString(tmp.resolve("torpor.conf"), "compress = lz4\nshutdown = halt\n");
        for (String command : new String[] {"hibernate", "resume", "config"}) {
            Cli.Result r = command.equals("hibernate") ? Cli.run(command, "--dry-run", "--config", conf.toString())
                    : Cli.run(command, "--config", conf.toString());
            assertThat(r.exit()).as(command + ": " + r.all()).isEqualTo(ExitCodes.CONFIG);
            assertThat(r.err()).contains(conf + ":2: shutdown must be poweroff, reboot, platform, suspend, not 'halt'",
                    "nothing was done");
            assertThat(r.out()).doesNotContain("rehearsal", "freezing");
        }
    }

    @Test
    void aConfigNamedOnTheCommandLineMustExist() {
        Cli.Result r = Cli.run("config", "--config", tmp.resolve("nope.conf").toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).contains("nope.conf: no such file");
    }
}
