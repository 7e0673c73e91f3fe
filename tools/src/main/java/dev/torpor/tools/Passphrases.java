package dev.torpor.tools;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where a passphrase comes from: a file (first line; for scripts and tests), else {@code systemd-ask-password} where
 * systemd runs (in an initramfs too), else the console with echo off. Empty when none of them can ask.
 */
final class Passphrases {
    private final Optional<Path> file;
    private final PrintWriter err;

    Passphrases(Optional<Path> file, PrintWriter err) {
        this.file = file;
        this.err = err;
    }

    /** Whether asking again can give another answer (a file always gives the same). */
    boolean interactive() {
        return file.isEmpty();
    }

    /** One passphrase, or empty when there is no way to ask (no file, no systemd, no console). */
    Optional<char[]> ask(String prompt) throws IOException {
        if (file.isPresent()) {
            byte[] content = Files.readAllBytes(file.get());
            String text = new String(content, StandardCharsets.UTF_8);
            Arrays.fill(content, (byte) 0);
            int nl = text.indexOf('\n');
            String line = (nl >= 0 ? text.substring(0, nl) : text).replace("\r", "");
            if (line.isEmpty()) {
                throw new IllegalArgumentException(file.get() + " holds no passphrase (its first line is empty)");
            }
            return Optional.of(line.toCharArray());
        }
        if (Files.isDirectory(Path.of("/run/systemd/system")) && onPath("systemd-ask-password")) {
            Process p = new ProcessBuilder("systemd-ask-password", "--timeout=0", prompt)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] answer = p.getInputStream().readAllBytes();
            try {
                if (!p.waitFor(1, TimeUnit.DAYS) || p.exitValue() != 0) {
                    return Optional.empty();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            String s = new String(answer, StandardCharsets.UTF_8);
            Arrays.fill(answer, (byte) 0);
            return Optional.of(s.endsWith("\n") ? s.substring(0, s.length() - 1).toCharArray() : s.toCharArray());
        }
        Console console = System.console();
        if (console == null) {
            return Optional.empty();
        }
        err.flush();
        return Optional.ofNullable(console.readPassword("%s", prompt));
    }

    /** A new passphrase, asked twice where it is typed; empty if they differ or nothing can ask. */
    Optional<char[]> askNew(String what) throws IOException {
        Optional<char[]> first = ask("New passphrase for " + what + ": ");
        if (first.isEmpty() || !interactive()) {
            return first;
        }
        Optional<char[]> again = ask("The same passphrase again: ");
        if (again.isEmpty() || !Arrays.equals(first.get(), again.get())) {
            err.println("torpor: the two passphrases differ");
            return Optional.empty();
        }
        return first;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
