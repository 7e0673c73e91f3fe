package dev.torpor.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM options {@code hibernate} and {@code resume} need, from {@code jvm.options} beside this class: the one copy
 * that the launchers, the initramfs scripts, the guests' init, the help and the site all read.
 */
final class JvmOptions {
    /** The file's name, as a resource of this package and in the package's {@code /usr/share/torpor}. */
    static final String FILE = "jvm.options";

    private static final Map<String, String> OPTIONS = load();

    private JvmOptions() {
    }

    /** The options for {@code command} ({@code hibernate} or {@code resume}). */
    static String of(String command) {
        String v = OPTIONS.get(command);
        if (v == null) {
            throw new IllegalStateException(FILE + " has no line for " + command);
        }
        return v;
    }

    /**
     * Makes the options available to the help texts as {@code ${sys:torpor.jvm.NAME}}, broken into indented lines
     * between options (picocli would break them inside an option).
     */
    static void publish() {
        OPTIONS.forEach((k, v) -> System.setProperty("torpor.jvm." + k, wrapped(v, 76)));
    }

    /** {@code options} as lines of at most {@code width} characters (an option longer than that on its own). */
    static String wrapped(String options, int width) {
        StringBuilder all = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String o : options.split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + o.length() > width) {
                all.append(all.length() > 0 ? "%n  " : "").append(line);
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(o);
        }
        return all.append(all.length() > 0 ? "%n  " : "").append(line).toString();
    }

    /** Parses {@code NAME=OPTIONS} lines; {@code #} starts a comment line. */
    static Map<String, String> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException(FILE + ": not NAME=OPTIONS: " + l);
            }
            m.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        return Map.copyOf(m);
    }

    private static Map<String, String> load() {
        try (InputStream in = JvmOptions.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException(FILE + " is missing from the class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
