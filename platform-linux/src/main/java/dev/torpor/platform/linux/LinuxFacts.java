package dev.torpor.platform.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What Linux says about hibernation, read from {@code /sys} and {@code /proc} under a root directory (the
 * real {@code /} or a folder of fixture files in tests). Every parse function takes the file's text and is
 * tested on the formats the kernel writes.
 */
public final class LinuxFacts {
    private final Path root;

    public LinuxFacts(Path root) {
        this.root = root;
    }

    /** The facts of the running system. */
    public static LinuxFacts system() {
        return new LinuxFacts(Path.of("/"));
    }

    private Optional<String> read(String file) throws IOException {
        try {
            return Optional.of(Files.readString(root.resolve(file), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    // ---- /sys/power ---------------------------------------------------------------------------------------------

    /** {@code /sys/power/state}: the sleep states offered ({@code freeze mem disk}). */
    public List<String> powerStates() throws IOException {
        return read("sys/power/state").map(LinuxFacts::words).orElse(List.of());
    }

    /** A multiple-choice sysfs file such as {@code /sys/power/disk}: the choices and the selected one. */
    public record Choice(List<String> available, Optional<String> selected) {
    }

    /** {@code /sys/power/disk}: {@code [platform] shutdown reboot suspend test_resume}. Empty without hibernation. */
    public Optional<Choice> hibernationMode() throws IOException {
        return read("sys/power/disk").map(LinuxFacts::parseChoice);
    }

    public static Choice parseChoice(String text) {
        List<String> all = new ArrayList<>();
        String selected = null;
        for (String w : words(text)) {
            if (w.startsWith("[") && w.endsWith("]")) {
                w = w.substring(1, w.length() - 1);
                selected = w;
            }
            all.add(w);
        }
        return new Choice(List.copyOf(all), Optional.ofNullable(selected));
    }

    /** {@code /sys/power/image_size}: the preferred image size in bytes. */
    public OptionalLong imageSize() throws IOException {
        return number("sys/power/image_size");
    }

    /** {@code /sys/power/reserved_size}: bytes kept free for drivers during the snapshot. */
    public OptionalLong reservedSize() throws IOException {
        return number("sys/power/reserved_size");
    }

    /** {@code /sys/power/resume_offset}: page of the swap header on the resume device. */
    public OptionalLong resumeOffset() throws IOException {
        return number("sys/power/resume_offset");
    }

    /** A device number {@code major:minor}. */
    public record DeviceNumber(int major, int minor) {
        public static DeviceNumber parse(String text) {
            String t = text.trim();
            int colon = t.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not a major:minor device number: '" + t + "'");
            }
            return new DeviceNumber(Integer.parseInt(t.substring(0, colon)), Integer.parseInt(t.substring(colon + 1)));
        }

        /** Whether this is "no device" (0:0). */
        public boolean none() {
            return major == 0 && minor == 0;
        }

        @Override
        public String toString() {
            return major + ":" + minor;
        }
    }

    /** {@code /sys/power/resume}: the resume device ({@code 0:0} when none is set). */
    public Optional<DeviceNumber> resumeDevice() throws IOException {
        return read("sys/power/resume").map(DeviceNumber::parse);
    }

    /** {@code /sys/class/misc/snapshot/dev}: the device number of {@code /dev/snapshot} (10:231). */
    public Optional<DeviceNumber> snapshotDevice() throws IOException {
        return read("sys/class/misc/snapshot/dev").map(DeviceNumber::parse);
    }

    // ---- /proc ------------------------------------------------------------------------------------------------

    /** One line of {@code /proc/swaps}; sizes in KiB as the kernel prints them. */
    public record SwapArea(String filename, String type, long sizeKib, long usedKib, int priority) {
        public long freeKib() {
            return sizeKib - usedKib;
        }
    }

    /** {@code /proc/swaps}: active swap areas. */
    public List<SwapArea> swaps() throws IOException {
        return read("proc/swaps").map(LinuxFacts::parseSwaps).orElse(List.of());
    }

    public static List<SwapArea> parseSwaps(String text) {
        List<SwapArea> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("Filename")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length < 5) {
                throw new IllegalArgumentException("not a /proc/swaps line: '" + line + "'");
            }
            out.add(new SwapArea(unescape(f[0]), f[1], Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Integer.parseInt(f[4])));
        }
        return out;
    }

    /** {@code /proc/meminfo}: every field, in KiB (or a plain count for fields without a unit). */
    public Map<String, Long> memInfo() throws IOException {
        return read("proc/meminfo").map(LinuxFacts::parseMemInfo).orElse(Map.of());
    }

    public static Map<String, Long> parseMemInfo(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String[] v = line.substring(colon + 1).trim().split("\\s+");
            m.put(line.substring(0, colon).trim(), Long.parseLong(v[0]));
        }
        return m;
    }

    /**
     * The kernel's {@code get_num_physpages()}: the present pages of every zone, from {@code /proc/zoneinfo}. The
     * kernel refuses an image whose header records another number. Empty if the file is missing.
     */
    public OptionalLong physPages() throws IOException {
        return read("proc/zoneinfo").map(LinuxFacts::parsePresentPages).orElse(OptionalLong.empty());
    }

    /** Sums the {@code present} lines of a {@code /proc/zoneinfo} text. */
    public static OptionalLong parsePresentPages(String zoneinfo) {
        long sum = 0;
        boolean any = false;
        for (String line : zoneinfo.split("\\n")) {
            String t = line.trim();
            if (t.startsWith("present ")) {
                sum += Long.parseLong(t.substring("present ".length()).trim());
                any = true;
            }
        }
        return any ? OptionalLong.of(sum) : OptionalLong.empty();
    }

    /** The kernel's page size, from the {@code KernelPageSize} of this process's first mapping. */
    public OptionalInt kernelPageSize() throws IOException {
        return read("proc/self/smaps").map(LinuxFacts::parseKernelPageSize).orElse(OptionalInt.empty());
    }

    /** The first {@code KernelPageSize: N kB} of a {@code /proc/PID/smaps} text, in bytes. */
    public static OptionalInt parseKernelPageSize(String smaps) {
        for (String line : smaps.split("\\n")) {
            if (line.startsWith("KernelPageSize:")) {
                return OptionalInt.of(Integer.parseInt(line.replaceAll("\\D", "")) * 1024);
            }
        }
        return OptionalInt.empty();
    }

    /** What the kernel command line says about hibernation. */
    public record CommandLine(boolean noHibernate, List<String> hibernateOptions, Optional<String> resume,
                              OptionalLong resumeOffset, boolean noResume) {
    }

    /** {@code /proc/cmdline}. */
    public CommandLine commandLine() throws IOException {
        return parseCommandLine(read("proc/cmdline").orElse(""));
    }

    public static CommandLine parseCommandLine(String text) {
        boolean noHibernate = false;
        boolean noResume = false;
        List<String> hibernate = new ArrayList<>();
        String resume = null;
        OptionalLong offset = OptionalLong.empty();
        for (String arg : kernelArgs(text)) {
            if (arg.equals("--")) {
                break; // what follows is for init
            }
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? "" : arg.substring(eq + 1);
            switch (key) {
                case "nohibernate": noHibernate = true; break;
                case "noresume": noResume = true; break;
                case "hibernate":
                    for (String o : value.split(",")) {
                        hibernate.add(o);
                        noHibernate |= o.equals("no");
                        noResume |= o.equals("no") || o.equals("noresume");
                    }
                    break;
                case "resume": resume = value; break;
                case "resume_offset": offset = OptionalLong.of(Long.parseLong(value)); break;
                default: break;
            }
        }
        return new CommandLine(noHibernate, List.copyOf(hibernate), Optional.ofNullable(resume), offset, noResume);
    }

    /** The effective user id of this process ({@code Uid:} of {@code /proc/self/status}), if readable. */
    public OptionalLong effectiveUid() throws IOException {
        Optional<String> status = read("proc/self/status");
        if (status.isEmpty()) {
            return OptionalLong.empty();
        }
        for (String line : status.get().split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(f.length > 1 ? f[1] : f[0]));
            }
        }
        return OptionalLong.empty();
    }

    /** Kernel lockdown ({@code /sys/kernel/security/lockdown}: {@code none [integrity] confidentiality}). */
    public Optional<String> lockdown() throws IOException {
        return read("sys/kernel/security/lockdown").flatMap(t -> parseChoice(t).selected());
    }

    /**
     * Whether UEFI Secure Boot is on: the last byte of the {@code SecureBoot} EFI variable (after its four attribute
     * bytes). Empty when the machine did not boot with UEFI or efivarfs is not mounted.
     */
    public Optional<Boolean> secureBoot() throws IOException {
        Path v = root.resolve("sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c");
        if (!Files.isRegularFile(v)) {
            return Optional.empty();
        }
        byte[] b = Files.readAllBytes(v);
        return b.length >= 5 ? Optional.of(b[4] == 1) : Optional.empty();
    }

    /** Whether lockdown forbids hibernation (any mode but {@code none}: the image could be altered offline). */
    public static boolean lockdownForbidsHibernation(String mode) {
        return !mode.equals("none");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private OptionalLong number(String file) throws IOException {
        Optional<String> t = read(file);
        return t.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(t.get().trim()));
    }

    private static List<String> words(String text) {
        String t = text.trim();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }

    /** {@code /proc/swaps} escapes spaces, tabs, newlines and backslashes in file names as octal. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Splits a kernel command line as the kernel does: spaces separate, double quotes group. */
    static List<String> kernelArgs(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : text.trim().toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }
}
