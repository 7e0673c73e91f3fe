package dev.torpor.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /etc/torpor/torpor.conf}: lines of {@code key = value}, {@code #} comments and blank lines. Every line must
 * be understood: an unknown key, a bad value, a repeated key or a line that is not {@code key = value} refuses the
 * whole file with its name and line number, since Torpor never hibernates on a half-understood configuration.
 */
record ConfigFile(Optional<Path> path, Map<Setting, ConfigFile.Entry> entries) {
    /** Where the package installs it. */
    static final Path DEFAULT = Path.of("/etc/torpor/torpor.conf");
    /** A file longer than this is not a config file. */
    private static final long MAX_BYTES = 64 * 1024;

    /** A value and the line it is on. */
    record Entry(String value, int line) {
    }

    /** A config file that cannot be used; the message names the file and the line. */
    static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Invalid(Path file, int line, String message) {
            super(file + (line > 0 ? ":" + line : "") + ": " + message);
        }
    }

    ConfigFile {
        EnumMap<Setting, Entry> copy = new EnumMap<>(Setting.class);
        copy.putAll(entries);
        entries = Collections.unmodifiableMap(copy);
    }

    /** No file: every setting comes from the command line or its default. */
    static ConfigFile none() {
        return new ConfigFile(Optional.empty(), new EnumMap<>(Setting.class));
    }

    /**
     * Reads {@code file}. A missing file is no configuration when {@code required} is false (the default path), an
     * error when it is true (a path the user named).
     */
    static ConfigFile load(Path file, boolean required) throws IOException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new Invalid(file, 0, "larger than " + MAX_BYTES + " bytes: not a config file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new Invalid(file, 0, "no such file");
            }
            return none();
        } catch (java.nio.charset.MalformedInputException e) {
            throw new Invalid(file, 0, "not UTF-8 text");
        }
        return parse(file, text);
    }

    /** Parses {@code text} as the content of {@code file}. */
    static ConfigFile parse(Path file, String text) {
        Map<Setting, Entry> entries = new EnumMap<>(Setting.class);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String l = lines[i].strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new Invalid(file, n, "expected 'key = value', found '" + abbreviate(l) + "'");
            }
            String key = l.substring(0, eq).strip();
            String value = l.substring(eq + 1).strip();
            Setting s = Setting.named(key).orElseThrow(() -> new Invalid(file, n, "unknown setting '"
                    + abbreviate(key) + "' (known: " + Setting.keys() + ")"));
            if (entries.containsKey(s)) {
                throw new Invalid(file, n, key + " is already set on line " + entries.get(s).line());
            }
            if (value.isEmpty()) {
                throw new Invalid(file, n, key + " has no value (remove the line for the default)");
            }
            if ((s == Setting.DEVICE || s == Setting.KEY_FILE) && !value.startsWith("/") && !value.contains("=")) {
                throw new Invalid(file, n, key + " must be an absolute path, not '" + abbreviate(value) + "'");
            }
            try {
                entries.put(s, new Entry(s.check(value), n));
            } catch (IllegalArgumentException e) {
                throw new Invalid(file, n, e.getMessage());
            }
        }
        return new ConfigFile(Optional.of(file), entries);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
