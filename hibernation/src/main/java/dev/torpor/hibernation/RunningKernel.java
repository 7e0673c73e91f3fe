package dev.torpor.hibernation;

import dev.torpor.platform.linux.BlockDevices;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.snapshot.api.emulator.KernelProfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Facts about the running kernel and process that hibernation needs, read from the kernel, never from the JVM. */
public final class RunningKernel {
    private static final Set<String> BIG_ENDIAN = Set.of("s390x", "ppc64", "ppc", "sparc64", "mips", "mips64");
    private static final Set<String> WORD_32 = Set.of("i386", "i486", "i586", "i686", "armv7l", "armv6l", "ppc", "mips");

    private RunningKernel() {
    }

    /** The running kernel's page size, word size and byte order (from uname and smaps). */
    public static TargetProfile target(Utsname uname, LinuxFacts facts) throws IOException {
        String m = uname.machine();
        int page = facts.kernelPageSize().orElse(4096);
        return new TargetProfile(page, WORD_32.contains(m) ? 4 : 8,
                BIG_ENDIAN.contains(m) ? KernelByteOrder.BIG : KernelByteOrder.LITTLE, Utsname.archOfMachine(m));
    }

    /** An emulated kernel of {@code release} (major.minor), for the rehearsal; 6.1 when the release is unreadable. */
    public static KernelProfile emulated(String release) {
        Matcher v = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        return v.find() ? KernelProfile.linux(Integer.parseInt(v.group(1)), Integer.parseInt(v.group(2)))
                : KernelProfile.linux(6, 1);
    }

    /** The kernel's rule for compression threads: online CPUs - 1, from 1 to 3. */
    public static int kernelThreads(int cpus) {
        return Math.max(1, Math.min(3, cpus - 1));
    }

    /** The size of a block device or file in bytes (-1 for a block device that does not say). */
    public static long size(Path device) throws IOException {
        if (BlockDevices.isBlockDevice(device)) {
            return BlockDevices.size(device).orElse(-1);
        }
        return Files.size(device);
    }

    /** A field of {@code /proc/self/status} in kB ({@code VmLck:}, {@code VmRSS:}; -1 if unknown). */
    public static long statusKib(String field) {
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
