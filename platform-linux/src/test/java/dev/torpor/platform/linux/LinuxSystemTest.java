package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.ErrnoException;
import dev.torpor.snapshot.api.Utsname;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The system-wide bindings on this machine, except the two that would end it: uname against /proc, file I/O
 * on a temporary file, and mlockall in a child JVM whose locked size is read back from /proc/PID/status.
 * reboot(2) is never called on the host: it runs inside the QEMU guests, where torpor hibernate powers off.
 */
class LinuxSystemTest {
    @TempDir
    Path tmp;

    @Test
    void unameIsTheRunningKernels() throws Exception {
        Utsname u = LinuxSystem.local().uname();
        assertThat(u.sysname()).isEqualTo("Linux");
        assertThat(u.release()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim());
        assertThat(u.version()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/version")).trim());
        assertThat(u.nodename()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
    }

    @Test
    void preadPwriteAndFdatasyncWorkOnAFile() throws Exception {
        Path f = Files.write(tmp.resolve("f"), "0123456789".getBytes(StandardCharsets.US_ASCII));
        LinuxSystem sys = LinuxSystem.local();
        int fd = LibC.Holder.INSTANCE.open(f.toString(), 2 /* O_RDWR */ | LibC.O_CLOEXEC);
        assertThat(fd).isNotNegative();
        try {
            assertThat(sys.pwrite(fd, "ab".getBytes(StandardCharsets.US_ASCII), 4)).isEqualTo(2);
            sys.fdatasync(fd);
            assertThat(new String(sys.pread(fd, 6, 2), StandardCharsets.US_ASCII)).isEqualTo("23ab67");
            assertThat(sys.pread(fd, 4, 100)).isEmpty();
        } finally {
            LibC.Holder.INSTANCE.close(fd);
        }
        assertThat(Files.readString(f)).isEqualTo("0123ab6789");
        assertThatThrownBy(() -> sys.pread(-1, 4, 0)).isInstanceOf(ErrnoException.class).hasMessageContaining("EBADF");
        assertThatThrownBy(() -> sys.fdatasync(-1)).isInstanceOf(ErrnoException.class).hasMessageContaining("fdatasync");
        sys.syncFileSystems();
    }

    /** Locks a child JVM in memory; /proc/PID/status shows VmLck equal to its resident size. */
    @Test
    void mlockallLocksTheWholeProcess() throws Exception {
        String out = runChild(LockChild.class);
        List<String> lines = out.lines().toList();
        long locked = Long.parseLong(lines.stream().filter(l -> l.startsWith("VmLck:")).findFirst().orElseThrow()
                .replaceAll("\\D", ""));
        long after = Long.parseLong(lines.stream().filter(l -> l.startsWith("after-unlock VmLck:")).findFirst()
                .orElseThrow().replaceAll("\\D", ""));
        assertThat(locked).as(out).isGreaterThan(10_000); // kB: at least the JVM's resident core
        assertThat(after).as(out).isZero();
    }

    /** The child: mlockall, print VmLck, munlockall, print it again. */
    public static final class LockChild {
        public static void main(String[] args) throws Exception {
            LinuxSystem sys = LinuxSystem.local();
            sys.lockAllMemory();
            System.out.println(vmLck());
            sys.unlockAllMemory();
            System.out.println("after-unlock " + vmLck());
        }

        private static String vmLck() throws Exception {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmLck:"))
                    .findFirst().orElse("VmLck: -1 kB");
        }
    }

    /**
     * Locking as used, in a child JVM: every page it has is locked, libjvm.so is resident in full (no page of it is
     * left to be read from the file later), and the runtime's lib/modules image is not (it was left to fault).
     */
    @Test
    void lockingAsUsedPrefaultsLibrariesButNotTheModulesImage() throws Exception {
        String out = runChild(LockAsUsedChild.class);
        assertThat(out).as(out).contains("refused 0");
        assertThat(kb(out, "libjvm.so size")).as(out).isPositive();
        assertThat(kb(out, "libjvm.so rss")).as(out).isEqualTo(kb(out, "libjvm.so size"));
        assertThat(kb(out, "modules rss")).as(out).isLessThan(kb(out, "modules size"));
        assertThat(kb(out, "VmLck")).as(out).isGreaterThanOrEqualTo(kb(out, "VmRSS") * 9 / 10);
    }

    /** Runs {@code main} of {@code child} in a JVM of its own (16 MiB heap); its output, once it exited 0. */
    private static String runChild(Class<?> child) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx16m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                child.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static long kb(String out, String key) {
        return Long.parseLong(out.lines().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow()
                .substring(key.length() + 1).trim());
    }

    /** The child: lock as used (all but lib/modules in full), then print sizes from smaps and status. */
    public static final class LockAsUsedChild {
        public static void main(String[] args) throws Exception {
            LinuxSystem sys = LinuxSystem.local();
            List<MemoryMap.Mapping> refused = sys.lockMemoryAsUsed(m -> m.path().endsWith("/lib/modules"));
            System.out.println("refused " + refused.size());
            long[] jvm = new long[2];
            long[] modules = new long[2];
            long[] cur = null;
            for (String l : Files.readAllLines(Path.of("/proc/self/smaps"))) {
                if (l.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                    cur = l.endsWith("/libjvm.so") ? jvm : l.endsWith("/lib/modules") ? modules : null;
                } else if (cur != null && l.startsWith("Size:")) {
                    cur[0] += Long.parseLong(l.replaceAll("\\D", ""));
                } else if (cur != null && l.startsWith("Rss:")) {
                    cur[1] += Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
            System.out.println("libjvm.so size " + jvm[0]);
            System.out.println("libjvm.so rss " + jvm[1]);
            System.out.println("modules size " + modules[0]);
            System.out.println("modules rss " + modules[1]);
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmLck:") || l.startsWith("VmRSS:")) {
                    System.out.println(l.substring(0, 5) + " " + l.replaceAll("\\D", ""));
                }
            }
            sys.unlockAllMemory();
        }
    }
}
