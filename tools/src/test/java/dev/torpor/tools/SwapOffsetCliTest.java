package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code torpor swap-offset} on real swap files of this machine, against filefrag and stat. */
class SwapOffsetCliTest {

    @TempDir
    Path tmp;

    @Test
    void printsTheOffsetFilefragFindsAndTheDeviceStatNames() throws Exception {
        Path swap = tmp.resolve("swapfile");
        HostCommand.run("dd", "if=/dev/zero", "of=" + swap, "bs=1M", "count=16", "status=none");
        HostCommand.run("mkswap", swap.toString());
        Cli.Result r = Cli.run("swap-offset", "--json", swap.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        String ff = HostCommand.run("filefrag", "-v", "-b4096", swap.toString());
        Matcher m = Pattern.compile("(?m)^\\s*0:\\s+0\\.\\.\\s*\\d+:\\s+(\\d+)\\.\\.").matcher(ff);
        assertThat(m.find()).isTrue();
        assertThat(j.get("resumeOffset").asLong()).isEqualTo(Long.parseLong(m.group(1)));
        String stat = HostCommand.run("stat", "-c", "%Hd:%Ld", swap.toString()).trim();
        assertThat(j.get("device").asText()).isEqualTo(stat);
        assertThat(j.get("swapSignature").asBoolean()).isTrue();
        assertThat(j.get("kernelCommandLine").asText()).startsWith("resume=").endsWith("resume_offset="
                + m.group(1));
        assertThat(Cli.run("swap-offset", swap.toString()).out()).contains("resume_offset=" + m.group(1))
                .contains("/sys/power/resume");
    }

    @Test
    void refusesFilesTheKernelCannotUse() throws Exception {
        Path sparse = tmp.resolve("sparse");
        HostCommand.run("truncate", "-s", "8M", sparse.toString());
        Cli.Result r = Cli.run("swap-offset", sparse.toString());
        assertThat(r.exit()).isEqualTo(65);
        assertThat(r.err()).contains("no data on disk");
        Path prealloc = tmp.resolve("prealloc");
        HostCommand.run("fallocate", "-l", "8M", prealloc.toString());
        HostCommand.run("mkswap", prealloc.toString());
        assertThat(Cli.run("swap-offset", prealloc.toString()).exit()).as("preallocated is fine").isZero();
        assertThat(Cli.run("swap-offset", tmp.resolve("none").toString()).exit()).isEqualTo(74);
        Path plain = Files.write(tmp.resolve("plain"), new byte[1 << 20]);
        Cli.Result noSig = Cli.run("swap-offset", plain.toString());
        assertThat(noSig.exit()).isZero();
        assertThat(noSig.err()).contains("no swap signature");
    }
}
