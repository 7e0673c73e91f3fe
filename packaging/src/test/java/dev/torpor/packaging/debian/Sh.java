package dev.torpor.packaging.debian;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host program and returns what it printed; a non-zero exit or a time-out is an IOException with the output. */
final class Sh {
    private Sh() {
    }

    static String run(Path dir, Duration timeout, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                reader.join(5000);
                throw new IOException(String.join(" ", cmd) + " did not finish within " + timeout.toSeconds() + " s:\n"
                        + tail(out.toString()));
            }
            reader.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + tail(out.toString()));
        }
        return out.toString();
    }

    static String run(Path dir, String... cmd) throws IOException {
        return run(dir, Duration.ofMinutes(10), cmd);
    }

    /** A shell command line, run by bash -c with pipefail. */
    static String bash(Path dir, Duration timeout, String script) throws IOException {
        return run(dir, timeout, "bash", "-c", "set -euo pipefail; " + script);
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    static String quote(Path p) {
        return quote(p.toString());
    }

    static String words(List<String> l) {
        return String.join(" ", l.stream().map(Sh::quote).toList());
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
    }
}
