package dev.torpor.guest.demo;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.guest.DebianKernel;
import dev.torpor.guest.GuestLog;
import dev.torpor.guest.Guests;
import dev.torpor.guest.HostProgram;
import dev.torpor.guest.JavaRuntime;
import dev.torpor.guest.QemuGuest;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code torpor demo}'s run: a Debian kernel guest with Java boots, keeps a random marker and 8 MiB of random data in
 * RAM files, and hibernates with {@code torpor hibernate}; the host checks the image; the guest boots again and
 * {@code torpor resume} restores it; the restored guest reports what it kept.
 */
final class GuestDemo {
    /** A swap area larger than any image of a 1 GiB guest with its RAM mostly empty. */
    static final long DISK_BYTES = 768L << 20;

    /** What to run. */
    record Settings(Path work, String kernelPackage, String sources, Compressor compressor, Duration timeout,
                    Path jar, Path jdk, boolean console, String guestAppend, boolean kernelRates, int cpus) {
    }

    /**
     * The kernel's own rates in the same guest configuration, from its "PM: Wrote/Read" lines: the kernel hibernates
     * the same guest into the same disk and resumes it, in two more boots whose consoles are kept.
     */
    record KernelRates(Optional<GuestLog.Rate> wrote, Optional<GuestLog.Rate> read, Path hibernateConsole,
                       Path resumeConsole) {
    }

    /** One thing the demo verified, and how it came out. */
    record Check(String what, boolean ok, String detail) {
    }

    /** What the demo measured and verified. */
    record Report(String kernelPackage, String kernelRelease, String compressor, long imagePages,
                  Optional<Long> bytesWritten, Optional<GuestLog.Rate> wrote, Optional<GuestLog.Rate> read, Optional<Long> residentKb,
                  Optional<Double> awaySeconds, Duration hibernateBoot, Duration resumeBoot, List<Check> checks,
                  Path hibernateConsole, Path resumeConsole, Optional<GuestLog.Rate> restored,
                  Optional<KernelRates> kernel, int cpus) {
        boolean ok() {
            return !checks.isEmpty() && checks.stream().allMatch(Check::ok);
        }
    }

    private final Settings s;
    private final PrintWriter progress;

    GuestDemo(Settings settings, PrintWriter progress) {
        this.s = settings;
        this.progress = progress;
    }

    Report run() throws IOException {
        Path work = Files.createDirectories(s.work().toAbsolutePath());
        step("fetching the Debian kernel behind " + s.kernelPackage() + " (apt-get download, once)");
        DebianKernel kernel = DebianKernel.fetch(work.resolve("kernels"), s.kernelPackage(), s.sources());
        step("kernel " + kernel.release() + "; making the guest's Java runtime with jlink (once) and its initramfs");
        Path jrt = JavaRuntime.ensure(s.jdk(), work.resolve("jrt"));
        QemuGuest guest = Guests.withJava(Guests.plain(work.resolve("kernels"), kernel, Path.of("/bin/busybox")),
                jrt, s.jar(), Map.of());
        if (s.cpus() > 1) {
            guest = guest.withCpus(s.cpus(), true);
        }
        Path disk = work.resolve("disk.img");
        Files.deleteIfExists(disk);
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(DISK_BYTES);
        }
        HostProgram.run(work, HostProgram.find("mkswap").orElseThrow().toString(), disk.toString());
        List<Check> checks = new ArrayList<>();

        step("booting the guest (QEMU, TCG, 1 GiB, " + s.cpus() + " vCPU(s); a few minutes): it fills RAM files and runs torpor hibernate");
        Path hibernateLog = work.resolve("console-hibernate.log");
        QemuGuest.Console first = guest.boot(disk, "torpor.mode=javahibernate torpor.compress="
                + s.compressor().label() + " " + s.guestAppend(), s.timeout(), false, hibernateLog, this::guestLine);
        String b1 = first.text();
        Optional<GuestLog.Memory> kept = GuestLog.remembered(b1);
        Optional<Integer> failed = GuestLog.exitCode(b1, "hibernate");
        boolean stored = GuestLog.torporWrote(b1).isPresent() && failed.isEmpty();
        checks.add(new Check("torpor hibernate stored the image and powered the guest off", stored,
                stored ? "" : failed.map(c -> "torpor hibernate returned " + c).orElse("no \"image stored\" line")
                        + "; see " + hibernateLog));
        if (stored) {
            List<String> loaded = GuestLog.classesLoadedWhileFrozen(b1);
            boolean none = GuestLog.frozeAndPoweredOff(b1) && loaded.isEmpty();
            checks.add(new Check("no class was loaded between the snapshot and the power-off", none,
                    none ? "" : loaded.isEmpty() ? "no power-off after \"torpor: freezing\"" : loaded.get(0)));
            checks.add(new Check("the JVM was at rest when the system froze (JIT stopped, nothing compiling, every "
                    + "other thread asleep)", GuestLog.wasAtRest(b1), GuestLog.jvmAtRest(b1).orElse("not reported")));
        }
        long imagePages = 0;
        if (stored) {
            step("the guest is off; checking the image in its swap area on the host");
            Inspection r = inspect(disk);
            imagePages = r.info().map(i -> i.imagePages()).orElse(0L);
            boolean valid = r.verdict() == Verdict.VALID && r.crc32Ok().orElse(true);
            checks.add(new Check("the swap area holds a valid kernel-format image", valid,
                    r.verdict() + ", " + r.detection().map(d -> d.compressor().label()).orElse("?")
                            + r.crc32Ok().map(ok -> ok ? ", CRC32 ok" : ", CRC32 WRONG").orElse("")));
        }
        QemuGuest.Console second = new QemuGuest.Console("", Duration.ZERO);
        Path resumeLog = work.resolve("console-resume.log");
        if (stored) {
            step("booting again: torpor resume in the initramfs verifies the image and restores the guest");
            second = guest.boot(disk, "torpor.mode=javaresume " + s.guestAppend(), s.timeout(), false, resumeLog,
                    this::guestLine);
            Optional<GuestLog.Memory> found = GuestLog.recalled(second.text());
            boolean same = kept.isPresent() && found.equals(kept);
            checks.add(new Check("the restored guest still holds its random marker and 8 MiB of random data", same,
                    same ? "marker " + kept.get().marker() + ", data SHA-256 "
                            + kept.get().ballast().orElse("?").substring(0, 16) + "…"
                            : "before " + kept.map(Object::toString).orElse("?") + ", after "
                            + found.map(Object::toString).orElse("(not restored; see " + resumeLog + ")")));
            Optional<Integer> exit = GuestLog.exitCode(second.text(), "hibernate");
            checks.add(new Check("torpor hibernate returned 0 in the restored guest", exit.equals(Optional.of(0)),
                    exit.map(c -> "exit " + c).orElse("it did not return")));
            Inspection after = inspect(disk);
            checks.add(new Check("the image was consumed: a plain swap area again",
                    after.verdict() == Verdict.NO_IMAGE, after.verdict().toString()));
        }
        Optional<KernelRates> rates = Optional.empty();
        if (s.kernelRates() && checks.stream().allMatch(Check::ok)) {
            rates = Optional.of(kernelRates(guest, disk, work, checks));
        }
        return new Report(kernel.packageName(), kernel.release(), s.compressor().label(), imagePages,
                GuestLog.torporStoredBytes(b1), GuestLog.torporWrote(b1), GuestLog.torporRead(second.text()), GuestLog.residentKb(b1),
                GuestLog.away(second.text()), first.ran(), second.ran(), checks, hibernateLog, resumeLog,
                GuestLog.torporRestored(second.text()), rates, s.cpus());
    }

    /** The kernel hibernates and resumes the same guest in the same disk (consoles at loglevel 7, for its rates). */
    private KernelRates kernelRates(QemuGuest guest, Path disk, Path work, List<Check> checks) throws IOException {
        step("the kernel's own rates in the same guest: it hibernates (echo disk > /sys/power/state), then resumes");
        Path hibernateLog = work.resolve("console-kernel-hibernate.log");
        String b3 = guest.boot(disk, "torpor.mode=hibernate " + s.guestAppend(), s.timeout(), true,
                hibernateLog, this::guestLine).text();
        Path resumeLog = work.resolve("console-kernel-resume.log");
        String b4 = guest.boot(disk, "torpor.mode=resume " + s.guestAppend(), s.timeout(), true, resumeLog,
                this::guestLine).text();
        Optional<GuestLog.Memory> kept = GuestLog.remembered(b3);
        boolean same = kept.isPresent() && GuestLog.recalled(b4).equals(kept);
        checks.add(new Check("the kernel's own hibernation of the same guest came back (its rates are the reference)",
                same && GuestLog.kernelWrote(b3).isPresent() && GuestLog.kernelRead(b4).isPresent(),
                same ? "" : "see " + hibernateLog + " and " + resumeLog));
        return new KernelRates(GuestLog.kernelWrote(b3), GuestLog.kernelRead(b4), hibernateLog, resumeLog);
    }

    private static Inspection inspect(Path disk) throws IOException {
        try (HibernationImage image = HibernationImage.open(disk, ReadOptions.defaults())) {
            return image.inspect(false);
        }
    }

    private void step(String what) {
        progress.println("torpor demo: " + what);
        progress.flush();
    }

    private void guestLine(String line) {
        if (s.console() || line.startsWith("torpor:") || line.startsWith("TORPOR-GUEST")) {
            progress.println("  guest | " + line);
            progress.flush();
        }
    }
}
