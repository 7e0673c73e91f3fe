package dev.torpor.guest.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.guest.GuestLog;
import dev.torpor.guest.Guests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code torpor demo} without booting a guest: its checks of the host, its usage errors and its report. */
class DemoCliTest {
    @TempDir
    Path tmp;

    @Test
    void whatIsMissingIsReportedBeforeAnythingIsFetched() {
        Path work = tmp.resolve("work");
        Cli.Result r = Cli.run("demo", "--jar", tmp.resolve("no-such.jar").toString(), "--work", work.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(69);
        assertThat(r.err()).contains("lacks what the demo needs").contains("torpor.jar");
        assertThat(work).doesNotExist();
        assertThat(r.all()).doesNotContain("Exception");
    }

    @Test
    void usageErrors() {
        assertThat(Cli.run("demo", "--timeout", "5").exit()).isEqualTo(64);
        Cli.Result bad = Cli.run("demo", "--compress", "gzip");
        assertThat(bad.exit()).isEqualTo(64);
        assertThat(bad.err()).contains("'gzip' is not lzo, lz4 or none");
    }

    @Test
    void helpTeaches() {
        Cli.Result r = Cli.run("demo", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("QEMU").contains("Exit codes").contains("torpor demo --compress lz4 --json")
                .contains("qemu-system-x86, busybox-static");
    }

    @Test
    void busyboxForTheInitramfsMustBeStatic() throws Exception {
        assertThat(Guests.isStaticElf(Path.of("/bin/busybox"))).as("busybox-static is installed by the test command")
                .isTrue();
        assertThat(Guests.isStaticElf(Path.of("/bin/ls"))).isFalse();
        Path text = Files.writeString(tmp.resolve("script"), "#!/bin/sh\necho hi\n");
        assertThat(Guests.isStaticElf(text)).isFalse();
        assertThat(Guests.isStaticElf(tmp.resolve("missing"))).isFalse();
    }

    @Test
    void theReportSaysWhatFailed() throws Exception {
        GuestDemo.Report r = new GuestDemo.Report("linux-image-6.1.0-99-amd64", "6.1.0-99-amd64", "lzo", 71796,
                Optional.of(127586304L), Optional.of(new GuestLog.Rate(287184, 24.1)), Optional.empty(), Optional.of(155128L),
                Optional.empty(), Duration.ofSeconds(200), Duration.ofSeconds(150),
                List.of(new GuestDemo.Check("stored", true, ""), new GuestDemo.Check("restored", false, "not restored")),
                tmp.resolve("h.log"), tmp.resolve("r.log"));
        StringWriter text = new StringWriter();
        DemoCommand.text(r, new PrintWriter(text));
        assertThat(text.toString()).contains("287,184 kB at 24.1 MB/s").contains("127,586,304 bytes in the swap area").contains("ok   stored")
                .contains("FAIL restored: not restored").contains("read and verified ?")
                .contains("Something failed");
        JsonNode j = DemoCommand.json(r);
        assertThat(j.get("ok").asBoolean()).isFalse();
        assertThat(j.at("/written/kbytes").asLong()).isEqualTo(287184);
        assertThat(j.get("read").isNull()).isTrue();
        assertThat(j.at("/checks/1/ok").asBoolean()).isFalse();
        assertThat(j.at("/checks/1/detail").asText()).isEqualTo("not restored");
    }
}
