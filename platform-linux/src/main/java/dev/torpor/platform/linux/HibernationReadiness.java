package dev.torpor.platform.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Can this machine hibernate with Torpor now? Each check reads what Linux exposes ({@link LinuxFacts}) and
 * says ok, warn or fail with the reason. Nothing here opens {@code /dev/snapshot}: opening it starts a
 * hibernation or restore session in the kernel, so "openable" is judged from the node and its permissions.
 */
public final class HibernationReadiness {

    /** The outcome of one check. */
    public enum Status { OK, WARN, FAIL }

    /** One check: what was checked, the outcome, and why. */
    public record Check(String name, Status status, String reason) {
    }

    private final LinuxFacts facts;
    private final Path root;
    private final int uid;

    /**
     * @param root the root of /sys, /proc and /dev (the real {@code /}, or a fixture tree)
     * @param uid  the effective user id of the caller
     */
    public HibernationReadiness(Path root, int uid) {
        this.facts = new LinuxFacts(root);
        this.root = root;
        this.uid = uid;
    }

    /** All checks, in the order a person would fix them. */
    public List<Check> run() throws IOException {
        List<Check> checks = new ArrayList<>();
        checks.add(uid == 0 ? new Check("root", Status.OK, "running as root")
                : new Check("root", Status.FAIL, "running as uid " + uid + "; /dev/snapshot needs root "
                        + "(CAP_SYS_ADMIN)"));
        checks.add(kernelSupport());
        checks.add(snapshotDevice());
        checks.add(commandLine());
        checks.add(lockdown());
        List<LinuxFacts.SwapArea> swaps = facts.swaps();
        checks.add(swapSpace(swaps));
        checks.add(resumeDevice(swaps));
        return checks;
    }

    /** Whether every check passed or only warned. */
    public static boolean canHibernate(List<Check> checks) {
        return checks.stream().noneMatch(c -> c.status() == Status.FAIL);
    }

    private Check kernelSupport() throws IOException {
        Optional<LinuxFacts.Choice> disk = facts.hibernationMode();
        if (disk.isEmpty() || !facts.powerStates().contains("disk")) {
            return new Check("kernel", Status.FAIL, "the kernel offers no hibernation (/sys/power/disk missing or "
                    + "'disk' not in /sys/power/state): CONFIG_HIBERNATION off, or a virtual machine without it");
        }
        return new Check("kernel", Status.OK, "hibernation available; mode " + disk.get().selected().orElse("?")
                + " of " + disk.get().available());
    }

    private Check snapshotDevice() throws IOException {
        Optional<LinuxFacts.DeviceNumber> dev = facts.snapshotDevice();
        if (dev.isEmpty()) {
            return new Check("snapshot device", Status.FAIL, "no snapshot misc device in /sys/class/misc "
                    + "(CONFIG_HIBERNATION_SNAPSHOT_DEV off?)");
        }
        Path node = root.resolve("dev/snapshot");
        if (!Files.exists(node)) {
            return new Check("snapshot device", Status.FAIL, "the kernel has it as " + dev.get()
                    + " but /dev/snapshot does not exist: mknod /dev/snapshot c " + dev.get().major() + " "
                    + dev.get().minor());
        }
        if (!Files.isReadable(node) || !Files.isWritable(node)) {
            return new Check("snapshot device", Status.FAIL, "/dev/snapshot is not readable and writable by this "
                    + "user");
        }
        return new Check("snapshot device", Status.OK, "/dev/snapshot (" + dev.get() + ") present and accessible");
    }

    private Check commandLine() throws IOException {
        LinuxFacts.CommandLine cl = facts.commandLine();
        if (cl.noHibernate()) {
            return new Check("command line", Status.FAIL, "the kernel was booted with nohibernate or hibernate=no");
        }
        if (cl.noResume()) {
            return new Check("command line", Status.WARN, "noresume on the kernel command line: the kernel will "
                    + "not resume by itself (torpor resume still can)");
        }
        return new Check("command line", Status.OK, cl.hibernateOptions().isEmpty() ? "no hibernation options"
                : "hibernate=" + String.join(",", cl.hibernateOptions()));
    }

    private Check lockdown() throws IOException {
        Optional<String> mode = facts.lockdown();
        if (mode.isPresent() && LinuxFacts.lockdownForbidsHibernation(mode.get())) {
            return new Check("lockdown", Status.FAIL, lockdownReason(mode.get(), facts.secureBoot().orElse(false)));
        }
        return new Check("lockdown", Status.OK, mode.map(m -> "lockdown " + m).orElse("no lockdown"));
    }

    /** Why a locked-down kernel cannot hibernate, and what the administrator can do about it. */
    public static String lockdownReason(String mode, boolean secureBoot) {
        return "the kernel is locked down (" + mode + (secureBoot ? ", because UEFI Secure Boot is on" : "")
                + "), and a locked-down kernel refuses hibernation: an image on disk could be altered before resume. "
                + (secureBoot ? "Turn Secure Boot off in the firmware settings to hibernate"
                        : "Boot without lockdown= on the kernel command line to hibernate");
    }

    private Check swapSpace(List<LinuxFacts.SwapArea> swaps) throws IOException {
        if (swaps.isEmpty()) {
            return new Check("swap", Status.FAIL, "no active swap area (swapon one first)");
        }
        long freeKib = swaps.stream().mapToLong(LinuxFacts.SwapArea::freeKib).max().orElse(0);
        OptionalLong imageSize = facts.imageSize();
        Map<String, Long> mem = facts.memInfo();
        long expected = imageSize.isPresent() ? imageSize.getAsLong() / 1024 : mem.getOrDefault("MemTotal", 0L) * 2 / 5;
        if (freeKib < expected) {
            return new Check("swap", Status.WARN, "the largest free swap area has " + freeKib + " KiB; the image "
                    + "may take up to " + expected + " KiB (/sys/power/image_size); the kernel shrinks it or fails");
        }
        return new Check("swap", Status.OK, swaps.size() + " area(s); the largest has " + freeKib + " KiB free, "
                + "enough for " + expected + " KiB");
    }

    private Check resumeDevice(List<LinuxFacts.SwapArea> swaps) throws IOException {
        Optional<LinuxFacts.DeviceNumber> resume = facts.resumeDevice();
        if (resume.isEmpty() || resume.get().none()) {
            return new Check("resume device", Status.WARN, "no resume device set (/sys/power/resume is 0:0): the "
                    + "kernel will not find the image at boot unless resume= is given");
        }
        long offset = facts.resumeOffset().orElse(0);
        Optional<Path> name = FileDevices.nameOf(resume.get(), root.resolve("sys"));
        for (LinuxFacts.SwapArea s : swaps) {
            if (s.type().equals("partition") && name.isPresent() && s.filename().equals(name.get().toString())) {
                return offset == 0
                        ? new Check("resume device", Status.OK, resume.get() + " is the swap partition " + s.filename())
                        : new Check("resume device", Status.FAIL, "resume_offset is " + offset + " but "
                                + s.filename() + " is a partition (offset must be 0)");
            }
            if (s.type().equals("file") && root.equals(Path.of("/"))) {
                Path f = Path.of(s.filename());
                if (FileDevices.storageDeviceOf(f).equals(resume.get())) {
                    long real = Fiemap.resumeOffset(f, Files.size(f), 4096);
                    return real == offset
                            ? new Check("resume device", Status.OK, "swap file " + f + " at resume_offset " + real)
                            : new Check("resume device", Status.FAIL, "resume_offset is " + offset + " but the swap "
                                    + "file " + f + " starts at " + real + " (see torpor swap-offset)");
                }
            }
        }
        return new Check("resume device", Status.FAIL, "the resume device " + resume.get()
                + name.map(n -> " (" + n + ")").orElse("") + " holds no active swap area");
    }
}
