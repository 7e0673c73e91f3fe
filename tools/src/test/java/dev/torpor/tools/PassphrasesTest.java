package dev.torpor.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where systemd runs (a dracut initramfs), the passphrase is asked through systemd-ask-password, with a timeout so
 * that nobody at the console never holds the boot. systemd does not run here, so a stand-in program takes its place
 * and records how it was called; the Debian system test proves the console path in a real initramfs.
 */
class PassphrasesTest {
    @TempDir
    Path tmp;

    @Test
    void systemdAskPasswordIsCalledWithThePromptAndATimeout() throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("run/systemd/system"));
        Path args = tmp.resolve("args");
        Path program = Files.writeString(tmp.resolve("systemd-ask-password"),
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + args + "\necho 'correct horse'\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        StringWriter err = new StringWriter();
        Passphrases p = new Passphrases(Optional.empty(), new PrintWriter(err), Duration.ofSeconds(90), runs,
                Optional.of(program));
        assertThat(p.interactive()).isTrue();
        assertThat(p.ask("Passphrase of the hibernation key 12:34...: ")).hasValueSatisfying(
                c -> assertThat(new String(c)).isEqualTo("correct horse"));
        assertThat(Files.readAllLines(args)).containsExactly("--timeout=90",
                "Passphrase of the hibernation key 12:34...: ");

        Path refusing = Files.writeString(tmp.resolve("refusing"), "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(refusing, PosixFilePermissions.fromString("rwx------"));
        assertThat(new Passphrases(Optional.empty(), new PrintWriter(err), Duration.ofSeconds(1), runs,
                Optional.of(refusing)).ask("x")).isEmpty();
    }

    @Test
    void withoutSystemdOrAConsoleNothingIsAskedAndAFileAnswersOnce() throws Exception {
        StringWriter err = new StringWriter();
        Passphrases none = new Passphrases(Optional.empty(), new PrintWriter(err), Duration.ofSeconds(1),
                tmp.resolve("no-systemd"), Optional.empty());
        assertThat(none.ask("x")).isEmpty(); // the test JVM has no console
        Path file = Files.writeString(tmp.resolve("pw"), "from a file\nsecond line\n");
        Passphrases fromFile = new Passphrases(Optional.of(file), new PrintWriter(err));
        assertThat(fromFile.interactive()).isFalse();
        assertThat(new String(fromFile.ask("x").orElseThrow())).isEqualTo("from a file");
    }
}
