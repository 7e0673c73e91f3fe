package dev.torpor.tools;

import dev.torpor.image.io.codec.Compressor;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One setting of hibernate and resume, as named in {@code /etc/torpor/torpor.conf}, with the command-line flag that
 * overrides it and the check its values must pass. A value that fails the check is never half-used: the whole
 * configuration is refused.
 */
enum Setting {
    DEVICE("device", "--device", null, "the swap device, or the device of the file system holding a swap file"),
    RESUME_OFFSET("resume-offset", "--resume-offset", null, "device page of the swap header (a swap file)"),
    COMPRESS("compress", "--compress", "lzo", "lzo, lz4 or none"),
    THREADS("threads", "--threads", null, "compression threads, 1 to 64 (default: online CPUs - 1, 1 to 3)"),
    IMAGE_SIZE("image-size", "--image-size", null, "preferred image size in bytes (K, M or G suffixes allowed)"),
    SHUTDOWN("shutdown", "--shutdown", "poweroff", "poweroff, reboot, platform or suspend (suspend-to-both)"),
    KEY_FILE("key-file", "--encrypt/--key", null, "key of Torpor's encrypted image kind"),
    HYBRID_SLEEP("hybrid-sleep", null, "yes",
            "yes: systemctl hybrid-sleep suspends to RAM once the image is stored; no: it hibernates plainly");

    /** The name in the config file. */
    final String key;
    /** The flag that overrides it, or null. */
    final String flag;
    /** The built-in default, or null where the running system is asked. */
    final String fallback;
    /** What it is, for {@code torpor config} and the errors. */
    final String meaning;

    Setting(String key, String flag, String fallback, String meaning) {
        this.key = key;
        this.flag = flag;
        this.fallback = fallback;
        this.meaning = meaning;
    }

    /** Where {@link #THREADS} is given nowhere: the kernel's own rule, online CPUs - 1, from 1 to 3. */
    static final String THREADS_DEFAULT = "default: online CPUs - 1, from 1 to 3, as the kernel";

    /** The kernel's number of compression threads for {@code cpus} online CPUs (the rule of {@code save_image_lzo} and, from 6.9, {@code save_compressed_image} in kernel/power/swap.c). */
    static int kernelThreads(int cpus) {
        return dev.torpor.hibernation.RunningKernel.kernelThreads(cpus);
    }

    /** The setting called {@code key}. */
    static Optional<Setting> named(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    /** Every key, for "known settings" messages. */
    static String keys() {
        return Arrays.stream(values()).map(s -> s.key).collect(Collectors.joining(", "));
    }

    /** The value in its canonical form; throws IllegalArgumentException saying what is allowed. */
    String check(String value) {
        String v = value.strip();
        switch (this) {
            case DEVICE:
                if (v.contains("=") && !v.matches("(UUID|PARTUUID|LABEL|PARTLABEL)=\\S+")) {
                    throw new IllegalArgumentException(key + " must be a path, UUID=, PARTUUID=, LABEL= or PARTLABEL=, "
                            + "not '" + v + "'");
                }
                return v;
            case KEY_FILE:
                return v;
            case RESUME_OFFSET:
                return Long.toString(number(v, 0, Long.MAX_VALUE / 65536, false));
            case THREADS:
                return Long.toString(number(v, 1, 64, false));
            case IMAGE_SIZE:
                return Long.toString(number(v, 0, Long.MAX_VALUE / 2, true));
            case COMPRESS:
                try {
                    Compressor.parse(v);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(key + " must be lzo, lz4 or none, not '" + v + "'");
                }
                return v.toLowerCase(Locale.ROOT);
            case SHUTDOWN:
                return oneOf(v, shutdownNames());
            case HYBRID_SLEEP:
                return oneOf(v, List.of("yes", "no"));
            default:
                throw new AssertionError(this);
        }
    }

    /** The ways {@link dev.torpor.image.io.lifecycle.Hibernator.Shutdown} ends a hibernation, as they are written. */
    static List<String> shutdownNames() {
        return java.util.Arrays.stream(dev.torpor.image.io.lifecycle.Hibernator.Shutdown.values())
                .map(s -> s.name().toLowerCase(Locale.ROOT)).toList();
    }

    /** "a, b, c or d". */
    static String alternatives(List<String> names) {
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private String oneOf(String v, List<String> allowed) {
        String l = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(l)) {
            throw new IllegalArgumentException(key + " must be " + String.join(", ", allowed) + ", not '" + v + "'");
        }
        return l;
    }

    private long number(String v, long min, long max, boolean suffixes) {
        long unit = 1;
        String digits = v;
        if (suffixes && !v.isEmpty()) {
            int at = "KMG".indexOf(Character.toUpperCase(v.charAt(v.length() - 1)));
            if (at >= 0) {
                unit = 1L << (10 * (at + 1));
                digits = v.substring(0, v.length() - 1);
            }
        }
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number" + (suffixes ? " (K, M, G allowed)" : "")
                    + ", not '" + v + "'");
        }
        if (n < min || n > max / unit) {
            throw new IllegalArgumentException(key + " must be from " + min + " to " + max + ", not '" + v + "'");
        }
        return n * unit;
    }
}
