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

    /**
     * The swap device: the one given, else {@code /sys/power/resume}, else {@code resume=} of the command line,
     * else the first swap partition in {@code /proc/swaps}.
     */
    static Path device(Path given, LinuxFacts facts) throws IOException {
        if (given != null) {
            return given;
        }
        Optional<LinuxFacts.DeviceNumber> sys = facts.resumeDevice().filter(d -> !d.none());
        if (sys.isPresent()) {
            Optional<Path> name = FileDevices.nameOf(sys.get(), Path.of("/sys"));
            if (name.isPresent()) {
                return name.get();
            }
        }
        Optional<String> cmd = facts.commandLine().resume();
        if (cmd.isPresent() && cmd.get().startsWith("/dev/")) {
            return Path.of(cmd.get());
        }
        for (LinuxFacts.SwapArea s : facts.swaps()) {
            if (s.type().equals("partition")) {
                return Path.of(s.filename());
            }
        }
        throw new IllegalArgumentException("no swap device given (--device), none in /sys/power/resume or resume=, "
                + "and no swap partition active");
    }

    /** The resume offset: the one given, else {@code /sys/power/resume_offset}, else {@code resume_offset=}, else 0. */
    static long resumeOffset(Long given, LinuxFacts facts) throws IOException {
        if (given != null) {
            return given;
        }
        OptionalLong sys = facts.resumeOffset();
        if (sys.isPresent() && sys.getAsLong() > 0) {
            return sys.getAsLong();
        }
        return facts.commandLine().resumeOffset().orElse(0);
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
