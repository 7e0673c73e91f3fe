package dev.torpor.tools;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The effective settings of hibernate and resume: a flag on the command line wins over the config file, which wins
 * over the built-in default. Settings with no default (the device, the offset, the image size) are left to the
 * running system when neither gives them.
 */
final class Settings {
    /** A value (null: ask the running system) and where it came from. */
    record Value(String value, String source) {
    }

    private final Map<Setting, Value> values;

    private Settings(Map<Setting, Value> values) {
        this.values = values;
    }

    /**
     * Resolves every setting. {@code commandLine} holds the flags that were given, as typed; a bad one is a usage
     * error naming its flag.
     */
    static Settings resolve(ConfigFile file, Map<Setting, String> commandLine) {
        Map<Setting, Value> values = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            String given = commandLine.get(s);
            ConfigFile.Entry entry = file.entries().get(s);
            if (given != null) {
                try {
                    values.put(s, new Value(s.check(given), "command line"));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException((s.flag == null ? s.key : s.flag) + ": " + e.getMessage());
                }
            } else if (entry != null) {
                values.put(s, new Value(entry.value(), file.path().orElseThrow() + ":" + entry.line()));
            } else if (s == Setting.THREADS) {
                values.put(s, new Value(Integer.toString(Setting.kernelThreads(Runtime.getRuntime()
                        .availableProcessors())), Setting.THREADS_DEFAULT));
            } else {
                values.put(s, new Value(s.fallback, s.fallback != null ? "default"
                        : s == Setting.KEY_FILE ? "default: not encrypted" : "the running system"));
            }
        }
        return new Settings(values);
    }

    Value value(Setting s) {
        return values.get(s);
    }

    Optional<String> get(Setting s) {
        return Optional.ofNullable(values.get(s).value());
    }

    /** A setting that always has a value (it has a default). */
    String require(Setting s) {
        return get(s).orElseThrow(() -> new IllegalStateException(s.key + " has no default"));
    }

    /** "key value (source), ..." for a log line. */
    String describe(Setting... which) {
        StringBuilder b = new StringBuilder();
        for (Setting s : which) {
            Value v = values.get(s);
            b.append(b.length() > 0 ? ", " : "").append(s.key).append(' ').append(v.value() == null ? "-" : v.value())
                    .append(" (").append(v.source()).append(')');
        }
        return b.toString();
    }

    Optional<Long> number(Setting s) {
        return get(s).map(Long::parseLong);
    }
}
