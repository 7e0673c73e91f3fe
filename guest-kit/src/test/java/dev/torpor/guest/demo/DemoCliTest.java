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
                tmp.resolve("h.log"), tmp.resolve("r.log"), Optional.empty(), Optional.empty(), 1);
        StringWriter text = new StringWriter();
        DemoCommand.text(r, new PrintWriter(text));
        assertThat(text.toString()).contains("287,184 kB at 24.1 MB/s").contains("127,586,304 bytes in the swap area").contains("ok   stored")
                .contains("FAIL restored: not restored").contains("wrote into /dev/snapshot ?")
                .contains("Something failed");
        JsonNode j = DemoCommand.json(r);
        assertThat(j.get("ok").asBoolean()).isFalse();
        assertThat(j.at("/written/kbytes").asLong()).isEqualTo(287184);
        assertThat(j.get("read").isNull()).isTrue();
        assertThat(j.at("/checks/1/ok").asBoolean()).isFalse();
        assertThat(j.at("/checks/1/detail").asText()).isEqualTo("not restored");
        assertThat(j.get("kernel").isNull()).isTrue();
    }

    /** With the kernel's reference boots: its rates beside Torpor's, and the ratios. */
    @Test
    void theReportSetsTorporsRatesBesideTheKernels() throws Exception {
        GuestDemo.Report r = new GuestDemo.Report("linux-image-6.1.0-99-amd64", "6.1.0-99-amd64", "lzo", 71796,
                Optional.of(127586304L), Optional.of(new GuestLog.Rate(287184, 60.0)),
                Optional.of(new GuestLog.Rate(287184, 90.0)), Optional.of(155128L), Optional.of(40.0),
                Duration.ofSeconds(200), Duration.ofSeconds(150), List.of(new GuestDemo.Check("stored", true, "")),
                tmp.resolve("h.log"), tmp.resolve("r.log"), Optional.of(new GuestLog.Rate(287184, 45.0)),
                Optional.of(new GuestDemo.KernelRates(Optional.of(new GuestLog.Rate(165828, 120.0)),
                        Optional.of(new GuestLog.Rate(165832, 150.0)), tmp.resolve("kh.log"), tmp.resolve("kr.log"))), 2);
        StringWriter text = new StringWriter();
        DemoCommand.text(r, new PrintWriter(text));
        assertThat(text.toString()).contains("the kernel   in the same guest wrote 165,828 kB at 120.0 MB/s, "
                + "read 165,832 kB at 150.0 MB/s").contains("hibernate 0.50x, whole resume 0.30x");
        JsonNode j = DemoCommand.json(r);
        assertThat(j.at("/restored/megabytesPerSecond").asDouble()).isEqualTo(45.0);
        assertThat(j.at("/kernel/written/megabytesPerSecond").asDouble()).isEqualTo(120.0);
        assertThat(j.at("/kernel/read/kbytes").asLong()).isEqualTo(165832);
        assertThat(j.at("/kernel/resumeConsole").asText()).endsWith("kr.log");
        assertThat(j.at("/ratios/written").asDouble()).isEqualTo(0.5);
        assertThat(j.get("cpus").asInt()).isEqualTo(2);
        assertThat(j.at("/ratios/restored").asDouble()).isEqualTo(0.3);
    }
}
