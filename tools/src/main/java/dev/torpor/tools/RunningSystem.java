package dev.torpor.tools;

import dev.torpor.platform.linux.FileDevices;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.snapshot.api.emulator.KernelProfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Facts about the running kernel that hibernate and resume need: target profile, swap device, resume offset. */
final class RunningSystem {
    private static final Set<String> BIG_ENDIAN = Set.of("s390x", "ppc64", "ppc", "sparc64", "mips", "mips64");
    private static final Set<String> WORD_32 = Set.of("i386", "i486", "i586", "i686", "armv7l", "armv6l", "ppc", "mips");

    private RunningSystem() {
    }

    /** The running kernel's page size, word size and byte order (from uname and smaps, never from the JVM). */
    static TargetProfile target(Utsname uname, LinuxFacts facts) throws IOException {
        String m = uname.machine();
        int page = facts.kernelPageSize().orElse(4096);
        return new TargetProfile(page, WORD_32.contains(m) ? 4 : 8,
                BIG_ENDIAN.contains(m) ? KernelByteOrder.BIG : KernelByteOrder.LITTLE, Utsname.archOfMachine(m));
    }

    /** An emulated kernel of the running release (major.minor), for the rehearsal. */
    static KernelProfile emulatedKernel(String release) {
        Matcher v = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        return v.find() ? KernelProfile.linux(Integer.parseInt(v.group(1)), Integer.parseInt(v.group(2)))
                : KernelProfile.linux(6, 1);
    }

    /** A value found for a setting left to the running system, and where it was found. */
    record Found<T>(T value, String source) {
    }

    /**
     * The swap device: the one given (a path, or UUID=, PARTUUID=, LABEL=, PARTLABEL= as in fstab), else
     * {@code /sys/power/resume}, else {@code resume=} of the command line, else the active swap partition of the
     * highest priority that is not in RAM (zram swap can never hold an image).
     */
    static Found<Path> device(Settings.Value given, LinuxFacts facts) throws IOException {
        if (given.value() != null) {
            return new Found<>(named(given.value()), given.source());
        }
        Optional<LinuxFacts.DeviceNumber> sys = facts.resumeDevice().filter(d -> !d.none());
        if (sys.isPresent()) {
            Optional<Path> name = FileDevices.nameOf(sys.get(), Path.of("/sys"));
            if (name.isPresent()) {
                return new Found<>(name.get(), "/sys/power/resume (" + sys.get() + ")");
            }
        }
        Optional<String> cmd = facts.commandLine().resume();
        if (cmd.isPresent() && (cmd.get().startsWith("/dev/") || cmd.get().contains("="))) {
            return new Found<>(named(cmd.get()), "resume= of the kernel command line");
        }
        LinuxFacts.SwapArea best = null;
        for (LinuxFacts.SwapArea s : facts.swaps()) {
            if (s.type().equals("partition") && !inRam(s.filename()) && (best == null || s.priority() > best.priority())) {
                best = s;
            }
        }
        if (best != null) {
            return new Found<>(Path.of(best.filename()), "/proc/swaps (the disk swap partition of highest priority)");
        }
        throw new IllegalArgumentException("no swap device: none given (--device, or device = in the config file), "
                + "none in /sys/power/resume or resume= of the kernel command line, and no disk swap partition active");
    }

    /** Swap in RAM (zram, or a ramdisk): no image stored there survives a power-off. */
    static boolean inRam(String device) {
        String name = Path.of(device).getFileName().toString();
        return name.startsWith("zram") || name.startsWith("ram");
    }

    /** A device name as fstab and resume= allow it: a path, or a /dev/disk/by-* link for UUID=, LABEL= and the like. */
    static Path named(String spec) {
        int eq = spec.indexOf('=');
        if (spec.startsWith("/") || eq < 0) {
            return Path.of(spec);
        }
        String kind = spec.substring(0, eq);
        String dir = switch (kind) {
            case "UUID" -> "by-uuid";
            case "PARTUUID" -> "by-partuuid";
            case "LABEL" -> "by-label";
            case "PARTLABEL" -> "by-partlabel";
            default -> throw new IllegalArgumentException("'" + spec + "' is not a device: use a path, UUID=, PARTUUID=, "
                    + "LABEL= or PARTLABEL=");
        };
        return Path.of("/dev/disk", dir, spec.substring(eq + 1));
    }

    /** The resume offset: the one given, else {@code /sys/power/resume_offset}, else {@code resume_offset=}, else 0. */
    static Found<Long> resumeOffset(Settings.Value given, LinuxFacts facts) throws IOException {
        if (given.value() != null) {
            return new Found<>(Long.parseLong(given.value()), given.source());
        }
        OptionalLong sys = facts.resumeOffset();
        if (sys.isPresent() && sys.getAsLong() > 0) {
            return new Found<>(sys.getAsLong(), "/sys/power/resume_offset");
        }
        OptionalLong cmd = facts.commandLine().resumeOffset();
        if (cmd.isPresent()) {
            return new Found<>(cmd.getAsLong(), "resume_offset= of the kernel command line");
        }
        return new Found<>(0L, "default (a swap partition)");
    }

    /** Size of a file or block device in bytes. */
    static long size(Path device) throws IOException {
        if (dev.torpor.platform.linux.BlockDevices.isBlockDevice(device)) {
            return dev.torpor.platform.linux.BlockDevices.size(device).orElse(-1);
        }
        return Files.size(device);
    }

    /** A field of /proc/self/status in kB ({@code VmLck:}, {@code VmRSS:}; -1 if unknown). */
    static long statusKib(String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(field)) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
