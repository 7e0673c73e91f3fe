package dev.torpor.tools;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where a passphrase comes from: a file (first line; for scripts and tests), else {@code systemd-ask-password} where
 * systemd runs (in an initramfs too), else the console with echo off. Empty when none of them can ask, or nobody
 * answered within the timeout: a boot never waits for ever on a console nobody watches.
 */
final class Passphrases {
    /** How long a prompt waits for an answer by default. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);
    private final Optional<Path> file;
    private final PrintWriter err;
    private final Duration timeout;
    /** Where systemd says it runs, and its password program (both fixed but for tests). */
    private final Path systemdRuns;
    private final Optional<Path> askPassword;

    Passphrases(Optional<Path> file, PrintWriter err) {
        this(file, err, DEFAULT_TIMEOUT, Path.of("/run/systemd/system"), onPath("systemd-ask-password"));
    }

    Passphrases(Optional<Path> file, PrintWriter err, Duration timeout, Path systemdRuns, Optional<Path> askPassword) {
        this.file = file;
        this.err = err;
        this.timeout = timeout;
        this.systemdRuns = systemdRuns;
        this.askPassword = askPassword;
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
        if (Files.isDirectory(systemdRuns) && askPassword.isPresent()) {
            Process p = new ProcessBuilder(askPassword.get().toString(), "--timeout=" + timeout.toSeconds(), prompt)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            byte[] answer = p.getInputStream().readAllBytes();
            try {
                if (!p.waitFor(timeout.toSeconds() + 10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
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
        // the prompt on a line of its own: a console, a serial line or a test reading lines all see it
        console.writer().println(prompt);
        console.writer().flush();
        // read on a thread of its own, so that nobody at the console does not hold the boot; the JDK restores the
        // echo when the process exits
        java.util.concurrent.CompletableFuture<char[]> typed = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> typed.complete(console.readPassword()), "torpor-passphrase");
        reader.setDaemon(true);
        reader.start();
        try {
            return Optional.ofNullable(typed.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            err.println("torpor: no passphrase within " + timeout.toSeconds() + " s");
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
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

    private static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }
}
