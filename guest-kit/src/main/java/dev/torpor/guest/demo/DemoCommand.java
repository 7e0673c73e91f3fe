package dev.torpor.guest.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.image.io.codec.Compressor;
import dev.torpor.tools.CompressorConverter;
import dev.torpor.tools.ExitCodes;
import dev.torpor.guest.GuestLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code torpor demo}: Torpor hibernates and resumes a real Debian kernel in a QEMU guest. */
@Command(name = "demo", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Hibernate and resume a real Linux system with Torpor, inside a QEMU guest: this machine is "
                + "never frozen.", "",
                "The demo fetches a Debian kernel package (apt-get download), makes an initramfs from busybox, a "
                        + "Java runtime made by jlink from the JDK running torpor, and torpor.jar, and boots it "
                        + "under QEMU (TCG, 1 GiB, one vCPU) on a 768 MiB swap area. The guest keeps a random "
                        + "marker and 8 MiB of random data in RAM files and runs torpor hibernate. On the host the "
                        + "demo checks the image. The guest boots again, torpor resume in its initramfs verifies "
                        + "the image and restores it, and the restored guest reports what it kept. Then, for the "
                        + "reference, the kernel itself hibernates and resumes the same guest in two more boots, and "
                        + "the report sets Torpor's rates beside the kernel's (its \"PM: hibernation: Wrote/Read\" "
                        + "lines).",
                "",
                "Downloads, the runtime and the initramfs are kept in the work directory for the next run; each "
                        + "guest's console is saved there (console-hibernate.log, console-resume.log, console-kernel-*.log). Under TCG "
                        + "a run takes a few minutes.", "",
                "Needs qemu-system-x86, busybox-static, apt, dpkg, util-linux (mkswap) and xz-utils; if any is "
                        + "missing the demo says which and exits 69 before fetching anything.", "",
                "Exit codes: 0 everything verified, 69 something needed is missing, 70 a check failed, "
                        + "74 an I/O error (a download, QEMU)."},
        footer = {"", "Examples:", "  torpor demo", "  torpor demo --compress lz4 --json",
                "  torpor demo --kernel linux-image-amd64 --sources 'deb [signed-by=/usr/share/keyrings/"
                        + "debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main'"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--work", paramLabel = "DIR",
            description = "Where downloads, the guest runtime, the disk and the console logs go. "
                    + "Default: $XDG_CACHE_HOME/torpor/demo (~/.cache/torpor/demo).")
    Path work;

    @Option(names = "--kernel", paramLabel = "PACKAGE", defaultValue = "linux-image-amd64",
            description = "Debian kernel package, or a meta-package depending on one. Default: ${DEFAULT-VALUE}.")
    String kernel;

    @Option(names = "--sources", paramLabel = "LINE",
            description = "A one-line sources.list to fetch the kernel from (package lists are then kept in the "
                    + "work directory; the host's apt setup is untouched). Default: the host's apt sources.")
    String sources;

    @Option(names = "--compress", paramLabel = "ALG", defaultValue = "lzo", converter = CompressorConverter.class,
            description = "What torpor hibernate compresses with in the guest: lzo, lz4 or none. "
                    + "Default: ${DEFAULT-VALUE}.")
    Compressor compressor;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "1200",
            description = "How long each guest boot may take before it is stopped. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "torpor.jar to run in the guest. Default: the jar this torpor runs from.")
    Path jar;

    @Option(names = "--guest-append", paramLabel = "ARGS", defaultValue = "", hidden = true,
            description = "More kernel arguments for both boots (experiments, e.g. torpor.javaopts=-XX:...).")
    String guestAppend;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1",
            description = "vCPUs of the guest, 1 to 8; with more than one, TCG runs one host thread per vCPU and "
                    + "torpor hibernate compresses on online CPUs - 1 threads, as the kernel does. Default: "
                    + "${DEFAULT-VALUE}.")
    int cpus;

    @Option(names = "--no-kernel-rates",
            description = "Skip the two boots in which the kernel hibernates and resumes the guest for its own rates.")
    boolean noKernelRates;

    @Option(names = "--console", description = "Show the guests' whole console, not only Torpor's lines.")
    boolean console;

    @Option(names = "--json",
            description = "Print the report as one JSON object. Progress always goes to stderr, the report to stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (cpus < 1 || cpus > 8) {
            throw new IllegalArgumentException("--cpus must be 1 to 8, not " + cpus);
        }
        if (timeoutSeconds < 60) {
            throw new IllegalArgumentException("--timeout must be at least 60 seconds: a TCG guest boots slowly");
        }
        Path jdk = Path.of(System.getProperty("java.home"));
        Path guestJar = jar != null ? jar : ownJar().orElse(null);
        List<DemoPrerequisites.Missing> missing = DemoPrerequisites.check(jdk, guestJar);
        if (!missing.isEmpty()) {
            err.println("torpor demo: this machine lacks what the demo needs:");
            missing.forEach(m -> err.println("  - " + m.what()));
            String hint = DemoPrerequisites.installHint(missing);
            if (!hint.isEmpty()) {
                err.println("Install with: " + hint);
            }
            err.flush();
            return ExitCodes.UNAVAILABLE;
        }
        GuestDemo.Settings settings = new GuestDemo.Settings(work != null ? work : defaultWork(), kernel, sources,
                compressor, Duration.ofSeconds(timeoutSeconds), guestJar, jdk, console, guestAppend, !noKernelRates,
                cpus);
        GuestDemo.Report r = new GuestDemo(settings, err).run();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json(r)));
        } else {
            text(r, out);
        }
        out.flush();
        return r.ok() ? ExitCodes.OK : ExitCodes.SOFTWARE;
    }

    static void text(GuestDemo.Report r, PrintWriter out) {
        out.println();
        out.printf("Torpor hibernated and resumed a Debian %s guest (%s):%n", r.kernelRelease(), r.kernelPackage());
        out.printf("  image        %,d pages of memory, %s%s%n", r.imagePages(), r.compressor(),
                r.bytesWritten().map(b -> String.format(", %,d bytes in the swap area", b)).orElse(""));
        out.printf("  hibernate    torpor hibernate wrote %s%s%n", rate(r.wrote()),
                r.residentKb().map(k -> String.format("; resident while frozen %,d kB", k)).orElse(""));
        out.printf("  resume       torpor resume read, verified and wrote into /dev/snapshot %s; %s from the first read "
                + "to the restore%n", rate(r.read()), rate(r.restored()));
        r.kernel().ifPresent(k -> {
            out.printf("  the kernel   in the same guest wrote %s, read %s%n", rate(k.wrote()), rate(k.read()));
            out.printf("  ratios       Torpor / kernel: hibernate %s, whole resume %s%n", ratioText(r.wrote(), k.wrote()),
                    ratioText(r.restored(), k.read()));
        });
        out.printf("  away         %s (guest clock, from the snapshot to running again)%n",
                r.awaySeconds().map(s -> String.format("%.1f s", s)).orElse("?"));
        out.printf("  boots        hibernating %d s, resuming %d s (QEMU wall time)%n", r.hibernateBoot().toSeconds(),
                r.resumeBoot().toSeconds());
        out.println("  verified");
        for (GuestDemo.Check c : r.checks()) {
            out.printf("    %s %s%s%n", c.ok() ? "ok  " : "FAIL", c.what(), c.detail().isEmpty() ? "" : ": " + c.detail());
        }
        out.printf("  consoles     %s, %s%n", r.hibernateConsole(), r.resumeConsole());
        out.println(r.ok() ? "Everything verified." : "Something failed: see the FAIL lines and the consoles.");
    }

    static ObjectNode json(GuestDemo.Report r) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("ok", r.ok());
        o.put("kernelPackage", r.kernelPackage());
        o.put("kernelRelease", r.kernelRelease());
        o.put("compressor", r.compressor());
        o.put("cpus", r.cpus());
        o.put("imagePages", r.imagePages());
        r.bytesWritten().ifPresentOrElse(b -> o.put("bytesWritten", b), () -> o.putNull("bytesWritten"));
        rate(o, "written", r.wrote());
        rate(o, "read", r.read());
        rate(o, "restored", r.restored());
        r.kernel().ifPresentOrElse(k -> {
            ObjectNode kn = o.putObject("kernel");
            rate(kn, "written", k.wrote());
            rate(kn, "read", k.read());
            kn.put("hibernateConsole", k.hibernateConsole().toString());
            kn.put("resumeConsole", k.resumeConsole().toString());
            ObjectNode ratios = o.putObject("ratios");
            ratio(ratios, "written", r.wrote(), k.wrote());
            ratio(ratios, "restored", r.restored(), k.read());
        }, () -> o.putNull("kernel"));
        r.residentKb().ifPresentOrElse(k -> o.put("residentKb", k), () -> o.putNull("residentKb"));
        r.awaySeconds().ifPresentOrElse(s -> o.put("awaySeconds", s), () -> o.putNull("awaySeconds"));
        o.put("hibernateBootSeconds", r.hibernateBoot().toSeconds());
        o.put("resumeBootSeconds", r.resumeBoot().toSeconds());
        ArrayNode checks = o.putArray("checks");
        for (GuestDemo.Check c : r.checks()) {
            checks.addObject().put("what", c.what()).put("ok", c.ok()).put("detail", c.detail());
        }
        o.put("hibernateConsole", r.hibernateConsole().toString());
        o.put("resumeConsole", r.resumeConsole().toString());
        return o;
    }

    private static void rate(ObjectNode o, String name, Optional<GuestLog.Rate> rate) {
        if (rate.isPresent()) {
            o.putObject(name).put("kbytes", rate.get().kbytes()).put("megabytesPerSecond",
                    rate.get().megabytesPerSecond());
        } else {
            o.putNull(name);
        }
    }

    /** Torpor's rate over the kernel's, or empty when either is missing. */
    static Optional<Double> ratio(Optional<GuestLog.Rate> torpor, Optional<GuestLog.Rate> kernel) {
        if (torpor.isEmpty() || kernel.isEmpty() || kernel.get().megabytesPerSecond() <= 0) {
            return Optional.empty();
        }
        return Optional.of(Math.round(torpor.get().megabytesPerSecond() / kernel.get().megabytesPerSecond() * 100)
                / 100.0);
    }

    private static String ratioText(Optional<GuestLog.Rate> torpor, Optional<GuestLog.Rate> kernel) {
        return ratio(torpor, kernel).map(x -> String.format("%.2fx", x)).orElse("?");
    }

    private static void ratio(ObjectNode o, String name, Optional<GuestLog.Rate> torpor, Optional<GuestLog.Rate> kernel) {
        ratio(torpor, kernel).ifPresentOrElse(x -> o.put(name, x), () -> o.putNull(name));
    }

    private static String rate(Optional<GuestLog.Rate> rate) {
        return rate.map(r -> String.format("%,d kB at %.1f MB/s", r.kbytes(), r.megabytesPerSecond())).orElse("?");
    }

    private static Path defaultWork() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base = cache != null && !cache.isEmpty() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("torpor").resolve("demo");
    }

    /** The jar this class was loaded from, when it was loaded from a jar. */
    static Optional<Path> ownJar() {
        try {
            var source = DemoCommand.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path p = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
