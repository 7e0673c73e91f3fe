package dev.torpor.guest;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a guest's console says: the lines of Torpor's guest init, of torpor and of the kernel's hibernation code. */
public final class GuestLog {
    private static final Pattern REMEMBERED = Pattern.compile(
            "(?m)^TORPOR-GUEST marker=([0-9a-f]{32})(?: ballast=([0-9a-f]{64}))?\\r?$");
    private static final Pattern RECALLED = Pattern.compile(
            "(?m)^TORPOR-GUEST RESUMED marker=([0-9a-f]{32})(?: ballast=([0-9a-f]{64}))?\\r?$");
    private static final Pattern TORPOR_WROTE = Pattern.compile(
            "torpor: image stored \\((\\d+) pages.*Wrote (\\d+) kbytes \\(([0-9.]+) MB/s\\)");
    private static final Pattern TORPOR_READ = Pattern.compile(
            "torpor: verified (\\d+) pages.*Read (\\d+) kbytes \\(([0-9.]+) MB/s\\)");
    private static final Pattern TORPOR_RESTORED = Pattern.compile(
            "torpor: restoring: Restored (\\d+) kbytes in [0-9.]+ s from the first read \\(([0-9.]+) MB/s in all\\)");
    private static final Pattern KERNEL_WROTE = Pattern.compile(
            "PM: (?:hibernation: )?Wrote (\\d+) kbytes in [0-9.]+ seconds \\(([0-9.]+) MB/s\\)");
    private static final Pattern KERNEL_READ = Pattern.compile(
            "PM: (?:hibernation: )?Read (\\d+) kbytes in [0-9.]+ seconds \\(([0-9.]+) MB/s\\)");
    private static final Pattern AWAY = Pattern.compile("torpor: resumed after ([0-9.]+) s away");
    private static final Pattern RESIDENT = Pattern.compile("torpor: locked in memory: (\\d+) kB resident");
    private static final Pattern AT_REST = Pattern.compile("torpor: JVM at rest in [0-9.]+ s: ([^\\r\\n]*)");
    private static final Pattern RESIDENT_AT_FREEZE = Pattern.compile("torpor: resident now (\\d+) kB");
    private static final Pattern CLASS_LOAD = Pattern.compile("(?m)^\\[[0-9.]+s\\] \\S+ source: .*$");
    private static final Pattern FILE_OPEN = Pattern.compile("TORPOR-OPEN [^\\r\\n]*");
    private static final Pattern STORED_BYTES = Pattern.compile("torpor: image stored \\(\\d+ pages, (\\d+) bytes");
    private static final Pattern EXIT = Pattern.compile("(?m)^TORPOR-GUEST (hibernate|resume)-exit=(\\d+)");

    private GuestLog() {
    }

    /**
     * What the guest keeps in RAM files across a hibernation: a random 16-byte marker and, in the Java modes, the
     * SHA-256 of 8 MiB of random data ({@code ballast} empty otherwise).
     */
    public record Memory(String marker, Optional<String> ballast) {
        @Override
        public String toString() {
            return "marker=" + marker + ballast.map(b -> " ballast=" + b).orElse("");
        }
    }

    /** A transfer: kilobytes (1024 bytes, as the kernel counts them) at MB/s (10^6 bytes). */
    public record Rate(long kbytes, double megabytesPerSecond) {
        @Override
        public String toString() {
            return kbytes + " kB at " + megabytesPerSecond + " MB/s";
        }
    }

    /** The last memory the guest reported before hibernating. */
    public static Optional<Memory> remembered(String console) {
        return last(REMEMBERED, console).map(m -> new Memory(m.group(1), Optional.ofNullable(m.group(2))));
    }

    /** The memory the restored guest found. */
    public static Optional<Memory> recalled(String console) {
        return last(RECALLED, console).map(m -> new Memory(m.group(1), Optional.ofNullable(m.group(2))));
    }

    /** torpor hibernate's "image stored … Wrote N kbytes (X MB/s)". */
    public static Optional<Rate> torporWrote(String console) {
        return last(TORPOR_WROTE, console).map(m -> rate(m.group(2), m.group(3)));
    }

    /** Pages in the image torpor hibernate stored. */
    public static Optional<Long> torporStoredPages(String console) {
        return last(TORPOR_WROTE, console).map(m -> Long.parseLong(m.group(1)));
    }

    /** Bytes torpor hibernate wrote into the swap area for its image (compressed units, map and header). */
    public static Optional<Long> torporStoredBytes(String console) {
        return last(STORED_BYTES, console).map(m -> Long.parseLong(m.group(1)));
    }

    /**
     * The classes the JVM loaded (with {@code -Xlog:class+load}) after torpor hibernate's last "torpor: freezing"
     * and before the kernel's power-off message: after the snapshot nothing may be read from a file system. Empty
     * when the console has no frozen period.
     */
    public static java.util.List<String> classesLoadedWhileFrozen(String console) {
        return whileFrozen(console, CLASS_LOAD);
    }

    /**
     * The files the JVM opened (reported by the guest's open-logging preload library, "TORPOR-OPEN" lines) between
     * torpor hibernate's last "torpor: freezing" and the power-off: after the snapshot it may not open anything.
     */
    public static java.util.List<String> filesOpenedWhileFrozen(String console) {
        return whileFrozen(console, FILE_OPEN);
    }

    /** How many opens the console reports before the last "torpor: freezing" (0: opens were not logged). */
    public static long filesOpenedBeforeFreezing(String console) {
        int from = console.lastIndexOf("torpor: freezing");
        return from < 0 ? 0 : FILE_OPEN.matcher(console.substring(0, from)).results().count();
    }

    private static java.util.List<String> whileFrozen(String console, Pattern what) {
        int from = console.lastIndexOf("torpor: freezing");
        int to = from < 0 ? -1 : console.indexOf("reboot: Power down", from);
        java.util.List<String> found = new java.util.ArrayList<>();
        if (to > from) {
            Matcher m = what.matcher(console.substring(from, to));
            while (m.find()) {
                found.add(m.group());
            }
        }
        return found;
    }

    /** Whether the console shows a frozen period: "torpor: freezing" followed by the kernel's power-off. */
    public static boolean frozeAndPoweredOff(String console) {
        int from = console.lastIndexOf("torpor: freezing");
        return from >= 0 && console.indexOf("reboot: Power down", from) > from;
    }

    /** torpor resume's "verified … Read N kbytes (X MB/s)". */
    public static Optional<Rate> torporRead(String console) {
        return last(TORPOR_READ, console).map(m -> rate(m.group(2), m.group(3)));
    }

    /** torpor resume's whole resume, from the first read of the swap area to the atomic restore. */
    public static Optional<Rate> torporRestored(String console) {
        return last(TORPOR_RESTORED, console).map(m -> rate(m.group(1), m.group(2)));
    }

    /** The kernel's own "PM: Wrote N kbytes in S seconds (X MB/s)" (needs loglevel 7). */
    public static Optional<Rate> kernelWrote(String console) {
        return last(KERNEL_WROTE, console).map(m -> rate(m.group(1), m.group(2)));
    }

    /** The kernel's own "PM: Read N kbytes in S seconds (X MB/s)" (needs loglevel 7). */
    public static Optional<Rate> kernelRead(String console) {
        return last(KERNEL_READ, console).map(m -> rate(m.group(1), m.group(2)));
    }

    /** Seconds the system was away, as torpor hibernate reports it in the resumed system. */
    public static Optional<Double> away(String console) {
        return last(AWAY, console).map(m -> Double.parseDouble(m.group(1)));
    }

    /** torpor hibernate's resident size after mlockall, in kB. */
    /**
     * What torpor hibernate said of the JVM's rest before its last freeze: present and true when the JIT was stopped,
     * its queues empty, reference processing done and every other thread waiting; the line's text either way.
     */
    public static Optional<String> jvmAtRest(String console) {
        return last(AT_REST, console).map(m -> m.group(1));
    }

    /** Whether {@link #jvmAtRest} says everything was at rest. */
    public static boolean wasAtRest(String console) {
        return jvmAtRest(console).filter(l -> l.startsWith("JIT stopped, compile queues empty, reference processing "
                + "done, every other thread waiting")).isPresent();
    }

    public static Optional<Long> residentKb(String console) {
        Optional<Long> atFreeze = last(RESIDENT_AT_FREEZE, console).map(m -> Long.parseLong(m.group(1)));
        return atFreeze.isPresent() ? atFreeze : last(RESIDENT, console).map(m -> Long.parseLong(m.group(1)));
    }

    /** The exit code of the last torpor hibernate or resume that returned in the guest. */
    public static Optional<Integer> exitCode(String console, String command) {
        Matcher m = EXIT.matcher(console);
        Integer found = null;
        while (m.find()) {
            if (m.group(1).equals(command)) {
                found = Integer.parseInt(m.group(2));
            }
        }
        return Optional.ofNullable(found);
    }

    private static Rate rate(String kbytes, String mbs) {
        return new Rate(Long.parseLong(kbytes), Double.parseDouble(mbs));
    }

    private static Optional<Matcher> last(Pattern p, String console) {
        Matcher m = p.matcher(console);
        Matcher found = null;
        while (m.find()) {
            found = p.matcher(console);
            found.find(m.start());
        }
        return Optional.ofNullable(found);
    }
}
