package dev.torpor.tools;

import dev.torpor.hibernation.NativeCodecs;
import dev.torpor.hibernation.HibernationHeap;
import dev.torpor.hibernation.HibernationListener;
import dev.torpor.hibernation.HibernationOptions;
import dev.torpor.hibernation.HibernationRefused;
import dev.torpor.hibernation.RunningKernel;
import dev.torpor.hibernation.SafeHibernation;
import dev.torpor.hibernation.Step;
import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.lifecycle.Hibernator;
import dev.torpor.image.io.lifecycle.Rehearsal;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.platform.linux.FileDevices;
import dev.torpor.platform.linux.JvmQuiescence;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.platform.linux.LinuxSnapshotDevice;
import dev.torpor.platform.linux.LinuxSystem;
import dev.torpor.platform.linux.TerminationSignals;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.snapshot.api.emulator.KernelProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code torpor hibernate}. */
@Command(name = "hibernate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Hibernate this machine through /dev/snapshot, as s2disk does: freeze, let the kernel make the "
                + "atomic snapshot, store it in the swap area in the kernel's own format (so the kernel's resume, or "
                + "torpor resume, restores it), power off. When the machine is resumed, the same command returns, "
                + "thaws the system and reports how long it was away.", "",
                "Before anything is frozen the whole sequence is rehearsed against the emulator (a small emulated "
                        + "machine hibernates into a scratch swap file and is restored), so that every class the "
                        + "post-snapshot path needs is loaded: after the snapshot nothing may be read from a file "
                        + "system. The process then locks itself in memory (mlockall: every page it has and every page it "
                        + "touches later; programs and libraries in full).",
                "If the swap area is too small the image is made again with a smaller preferred size. On any "
                        + "failure the image is invalidated, the system thawed, and the exit code is non-zero; so too "
                        + "when SIGINT, SIGTERM or SIGHUP comes while the image is stored, before it is signed.", "",
                "Run it with a small fixed heap, the serial collector, no periodic safepoints and no speculative "
                        + "JIT, since the JVM's own threads are frozen with everything else (a lost profile bet after "
                        + "the snapshot would send code to the interpreter for good: the compilers are frozen too). "
                        + "The launcher /usr/bin/torpor takes these from /usr/share/torpor/jvm.options when "
                        + "TORPOR_JAVA_OPTS is unset:",
                "  ${sys:torpor.jvm.hibernate}",
                "torpor also sets -Dsun.reflect.inflationThreshold=2147483647 unless given, so that reflection "
                        + "never defines a class (the JDK's ciphers are made reflectively).", "",
                "Exit codes: 0 hibernated and resumed (or the dry run restored the emulated machine), 1 hibernation "
                        + "failed and the system was thawed, 64 usage error, 69 this machine cannot hibernate, 78 the "
                        + "config file cannot be used (nothing was frozen), 128 + N stopped by signal N while the image "
                        + "was stored (130 SIGINT, 143 SIGTERM, 129 SIGHUP): no image, the system thawed."},
        footer = {"", "Examples:", "  torpor hibernate --dry-run",
                "  torpor hibernate --device /dev/vda2 --compress lz4",
                "  torpor hibernate --device /dev/sda3 --encrypt /etc/torpor.key   # resume with torpor resume --key"})
final class HibernateCommand implements Callable<Integer> {
    /** Pages read from /dev/zero through the device class before the warm-up: enough for the JIT to compile it. */
    static final int REHEARSED_READS = 20_000;

    @Mixin
    SwapAreaOptions location;

    @Mixin
    ConfigOption config;

    @Option(names = "--compress", paramLabel = "ALG",
            description = "lzo, lz4 (kernels 6.9+ read it) or none. Default: compress = of the config file, then lzo.")
    String compressorGiven;

    @Option(names = "--threads", paramLabel = "N",
            description = "Compression threads (1-64), started after the snapshot; with 2 or more the first thread "
                    + "reads the snapshot and writes while they compress. Default: threads = of the config file, "
                    + "then online CPUs - 1 from 1 to 3, as the kernel.")
    String threadsGiven;

    @Option(names = "--shutdown", paramLabel = "HOW",
            description = "poweroff (reboot(2) power-off), reboot, platform (ACPI S4 through SNAPSHOT_POWER_OFF), or "
                    + "suspend: suspend-to-both (hybrid sleep), suspend to RAM once the image is stored; woken from "
                    + "RAM the image is invalidated and the system thawed; if suspending fails the machine powers off "
                    + "with the image kept. Default: shutdown = of the config file, then poweroff.")
    String shutdown;

    @Option(names = "--hybrid-sleep",
            description = "What systemctl hybrid-sleep runs: --shutdown suspend, unless hybrid-sleep = no in the config "
                    + "file (then the configured shutdown).")
    boolean hybridSleep;

    @Option(names = "--image-size", paramLabel = "BYTES",
            description = "Preferred image size (K, M, G allowed); the kernel frees memory to get near it. Default: "
                    + "image-size = of the config file, then /sys/power/image_size.")
    String imageSizeGiven;

    @Option(names = "--encrypt", paramLabel = "KEYFILE",
            description = "Write Torpor's encrypted image kind (AES-256-GCM) with this key (32 raw bytes, or a "
                    + "passphrase). The kernel cannot resume it; torpor resume --key can. Default: key-file = of the "
                    + "config file, else not encrypted.")
    String keyFile;

    @Option(names = "--attempts", paramLabel = "N", defaultValue = "3",
            description = "Images to try when the swap area is too small. Default: ${DEFAULT-VALUE}.")
    int attempts;

    @Option(names = "--dry-run",
            description = "Run the whole sequence against the emulator only: nothing is frozen, nothing written "
                    + "outside a scratch file in the temporary directory.")
    boolean dryRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("--attempts must be 1..10");
        }
        Settings settings = settings(config.load());
        Hibernator.Shutdown how = parseShutdown(hybridSleep && settings.require(Setting.HYBRID_SLEEP).equals("yes")
                && shutdown == null ? "suspend" : settings.require(Setting.SHUTDOWN));
        Compressor compressor = Compressor.parse(settings.require(Setting.COMPRESS));
        int threads = settings.number(Setting.THREADS).orElseThrow().intValue();
        Optional<String> keyPath = settings.get(Setting.KEY_FILE);
        Optional<KeyMaterial> key = keyPath.isEmpty() ? Optional.empty()
                : Optional.of(KeyMaterial.fromFile(Path.of(keyPath.get())));
        Optional<Long> imageSize = settings.number(Setting.IMAGE_SIZE);
        out.println("torpor: settings: " + settings.describe(Setting.COMPRESS, Setting.THREADS, Setting.SHUTDOWN,
                Setting.IMAGE_SIZE, Setting.KEY_FILE));
        LinuxFacts facts = LinuxFacts.system();
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
        if (compressor == Compressor.LZO) {
            out.println("torpor: compression: " + NativeCodecs.install());
        }
        if (dryRun) {
            return dryRun(out, compressor, threads, how, key, imageSize.orElse(0L), scratch);
        }
        // one hibernate at a time, before anything is rehearsed
        try (HibernationLock lock = HibernationLock.take(HibernationLock.file());
             TerminationSignals signals = TerminationSignals.hold()) {
            return hibernate(out, settings, facts, scratch, how, compressor, threads, key, imageSize, signals);
        }
    }

    /**
     * The real run: {@link SafeHibernation} with this command's settings, printing each step. {@code signals} holds
     * SIGINT, SIGTERM and SIGHUP back from this thread: while the image is stored they stop the write (the image
     * invalidated, the system thawed, exit 128 + the signal).
     */
    private int hibernate(PrintWriter out, Settings settings, LinuxFacts facts, Path scratch, Hibernator.Shutdown how,
                          Compressor compressor, int threads, Optional<KeyMaterial> key, Optional<Long> imageSize,
                          TerminationSignals signals) throws Exception {
        Optional<PauseAt> pause = PauseAt.of(out, signals);
        Utsname uname = LinuxSystem.local().uname();
        TargetProfile target = RunningKernel.target(uname, facts);
        RunningSystem.Found<Path> device = RunningSystem.device(settings.value(Setting.DEVICE), facts);
        RunningSystem.Found<Long> resumeOffset = RunningSystem.resumeOffset(settings.value(Setting.RESUME_OFFSET),
                facts);
        Path dev = device.value();
        long offset = resumeOffset.value();
        // before anything is rehearsed: a machine that cannot hibernate is told why at once
        Preflight.lockdown(facts);
        Preflight.swapArea(new Preflight.Target(dev, device.source(), offset, resumeOffset.source(),
                target.pageSize(), Preflight.activeSwapFiles(facts)));
        long size = imageSize.orElse(facts.imageSize().orElse(0));
        HibernationOptions.Builder options = HibernationOptions.builder(dev).resumeOffset(offset)
                .snapshotDevice(location.snapshotDevice).target(target).compressor(compressor).threads(threads)
                .imageSize(size).shutdown(how).attempts(attempts).scratch(scratch).rehearsedReads(REHEARSED_READS);
        key.ifPresent(options::encryptWith);
        String hibernating = String.format("torpor: hibernating to %s (%s) offset %d, %s, image size %d, then %s", dev,
                FileDevices.numberOf(dev), offset, compressor.label(), size, how.name().toLowerCase(Locale.ROOT));
        Printer printer = new Printer(out, signals, pause.orElse(null), hibernating);
        try {
            SafeHibernation.Report r = SafeHibernation.hibernate(options.build(), printer);
            report(out, r.resumed());
            return ExitCodes.OK;
        } catch (HibernationHeap.TooSmall e) {
            throw new HibernationRefused(heapAdvice(e));
        } catch (HibernationRefused e) {
            throw e;
        } catch (Hibernator.Cancelled e) {
            spec.commandLine().getErr().println("torpor: hibernation stopped (" + e.getMessage() + ") before "
                    + "the image was signed: the swap area holds no image, the system is thawed");
            return 128 + (printer.stoppedBy != 0 ? printer.stoppedBy : pause.map(p -> p.stoppedBy).orElse(0));
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("torpor: hibernation failed, the system is thawed and the swap area "
                    + "holds no image: " + Torpor.describe(e));
            return ExitCodes.NO_IMAGE;
        }
    }

    /** The heap refusal in this tool's terms: the launcher's options with the heap that carries the image. */
    static String heapAdvice(HibernationHeap.TooSmall e) {
        return "the JVM's young generation cannot carry storing the largest image this machine can make ("
                + e.figures() + "), and a collection while the system is frozen would hang it: run hibernate with "
                + "TORPOR_JAVA_OPTS=\"" + JvmOptions.of("hibernate").replaceAll("-Xm[snx]\\d+[mMgG]", "")
                .replaceAll(" +", " ").strip() + " " + e.heapOptions() + "\" (the defaults are in " + JvmOptions.FILE
                + ")" + (e.fewerThreadsHelp() ? ", or with fewer --threads" : "");
    }

    /** The effective settings: these flags over {@code file} over the defaults. */
    Settings settings(ConfigFile file) {
        Map<Setting, String> given = new EnumMap<>(Setting.class);
        location.given(given);
        putIfGiven(given, Setting.COMPRESS, compressorGiven);
        putIfGiven(given, Setting.THREADS, threadsGiven);
        putIfGiven(given, Setting.SHUTDOWN, shutdown);
        putIfGiven(given, Setting.IMAGE_SIZE, imageSizeGiven);
        putIfGiven(given, Setting.KEY_FILE, keyFile);
        return Settings.resolve(file, given);
    }

    static void putIfGiven(Map<Setting, String> into, Setting s, String value) {
        if (value != null) {
            into.put(s, value);
        }
    }

    static void printRest(PrintWriter out, JvmQuiescence.Report rest) {
        out.printf("torpor: JVM at rest in %.1f s: JIT %s, compile queues %s, reference processing %s, %s%n",
                rest.took().toMillis() / 1000.0, rest.compilationStopped() ? "stopped" : "NOT stopped ("
                        + rest.problem() + ")", rest.compilerIdle() ? "empty" : "BUSY",
                rest.referencesDone() ? "done" : "NOT done",
                rest.busyThreads().isEmpty() ? "every other thread waiting"
                        : "threads still running: " + String.join("; ", rest.busyThreads()));
        List<Duration> s = rest.steps();
        if (s.size() == 5) {
            out.printf("torpor: coming to rest: JIT stopped in %.2f s, collection and references %.2f s, compile queues "
                            + "%.2f s, Java threads %.2f s, tasks %.2f s%n", s.get(0).toNanos() / 1e9,
                    s.get(1).toNanos() / 1e9, s.get(2).toNanos() / 1e9, s.get(3).toNanos() / 1e9,
                    s.get(4).toNanos() / 1e9);
        }
        out.flush();
    }

    private int dryRun(PrintWriter out, Compressor compressor, int threads, Hibernator.Shutdown how,
                       Optional<KeyMaterial> key, long imageSize, Path scratch) throws IOException {
        KernelProfile kernel = KernelProfile.linux(6, 12);
        Hibernator.Plan plan = Hibernator.Plan.builder(kernel.target(), 0).imageSize(imageSize).compressor(compressor)
                .threads(threads).shutdown(how).key(key).attempts(attempts).build();
        Rehearsal.run(plan, kernel, 1024, scratch, new Printer(new PrintWriter(java.io.Writer.nullWriter()), null, null));
        out.println("torpor: rehearsal ok");
        if (JvmSettings.ownProcess()) {
            // as before a real freeze; not inside another program, whose JIT this would stop for good
            printRest(out, SafeHibernation.settleForRestore(scratch, Duration.ofSeconds(60)));
        }
        out.println("torpor: dry run on an emulated 6.12 x86_64 machine with 16 MiB of memory");
        out.println("torpor: freezing");
        Rehearsal.Report r = Rehearsal.run(plan, kernel, 4096, scratch, new Printer(out, null, null));
        report(out, r.hibernated());
        out.printf("torpor: the emulated machine was restored: %d pages saved, memory %s%n", r.savedPages(),
                r.memoryIntact() ? "intact" : "DIFFERENT");
        return r.memoryIntact() ? ExitCodes.OK : ExitCodes.SOFTWARE;
    }

    private static void report(PrintWriter out, Hibernator.Resumed r) {
        if (r.fromRam() && r.written().isPresent()) {
            out.printf("torpor: woke from RAM after %.1f s (suspend-to-both); the image of %d pages was invalidated%n",
                    r.away().toMillis() / 1000.0, r.written().get().pages());
        } else if (r.written().isPresent()) {
            ImageWriter.Result w = r.written().get();
            double secs = Math.max(1e-9, r.writing().toNanos() / 1e9);
            out.printf("torpor: resumed after %.1f s away; the image held %d pages (%.1f MB), %.1f MB written in "
                            + "%.2f s (%.0f MB/s of image), %d attempt(s)%n", r.away().toMillis() / 1000.0,
                    w.pages(), w.bytesIn() / 1e6, w.bytesOut() / 1e6, secs, w.bytesIn() / 1e6 / secs, r.attempts());
        } else {
            out.printf("torpor: resumed after %.1f s away%n", r.away().toMillis() / 1000.0);
        }
        out.flush();
    }

    static Hibernator.Shutdown parseShutdown(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (!Setting.shutdownNames().contains(n)) {
            throw new IllegalArgumentException("--shutdown must be " + Setting.alternatives(Setting.shutdownNames())
                    + ", not " + name);
        }
        return Hibernator.Shutdown.valueOf(n.toUpperCase(Locale.ROOT));
    }

    /** Prints the run's events; Markers are stable for tests. */
    private static final class Printer implements HibernationListener {
        private final PrintWriter out;
        private final TerminationSignals signals;
        private final PauseAt pause;
        private final String hibernating;
        private long lastPercent = -1;
        /** The signal that stopped the run, or 0. */
        int stoppedBy;

        /** {@code signals} and {@code pause} may be null (the dry run and its rehearsals). */
        Printer(PrintWriter out, TerminationSignals signals, PauseAt pause) {
            this(out, signals, pause, "");
        }

        /** {@code hibernating}: the line printed once the process is locked in memory. */
        Printer(PrintWriter out, TerminationSignals signals, PauseAt pause, String hibernating) {
            this.out = out;
            this.signals = signals;
            this.pause = pause;
            this.hibernating = hibernating;
        }

        /** Printing through the same code as the real run, into nothing: string concatenation sites link on first use. */
        @Override
        public HibernationListener forRehearsal() {
            return new Printer(new PrintWriter(java.io.Writer.nullWriter()), signals, null);
        }

        @Override
        public PageStore storing(PageStore store, long headerPosition) {
            return pause == null ? store : pause.around(store, headerPosition);
        }

        @Override
        public void poweringOff() throws IOException {
            if (pause != null) {
                pause.at(PauseAt.Moment.AFTER_SIGNATURE);
            }
            out.flush();
        }

        @Override
        public void step(Step step) {
            if (step instanceof Step.HeapChecked h) {
                out.println("torpor: " + h.line());
            } else if (step instanceof Step.DeviceCallsRehearsed d) {
                LinuxSnapshotDevice.Rehearsed calls = d.calls();
                out.printf("torpor: device calls rehearsed: %d page reads of /dev/zero at %.1f us each, %d "
                                + "ALLOC_SWAP_PAGE (refused) at %.1f us each (%s)%n", calls.reads(),
                        calls.readNanos() / 1e3 / Math.max(1, calls.reads()), calls.allocs(),
                        calls.allocNanos() / 1e3 / Math.max(1, calls.allocs()), calls.binding());
                for (LinuxSnapshotDevice.Compared c : calls.compared()) {
                    out.printf("torpor: the same calls through %s: %.1f us per page read, %.1f us per "
                            + "ALLOC_SWAP_PAGE%n", c.how(), c.readNanos() / 1e3, c.allocNanos() / 1e3);
                }
            } else if (step instanceof Step.Rehearsed r) {
                out.printf("torpor: rehearsal ok (%d emulated pages saved and restored); %d rehearsals in %.1f s %s%n",
                        r.savedPages(), r.runs(), r.took().toMillis() / 1000.0,
                        r.converged() ? "until their speed converged" : "(stopped at the time limit)");
                if (!r.speculationOff()) {
                    out.println("torpor: note: without -XX:PerMethodTrapLimit=0 -XX:PerMethodSpecTrapLimit=0 (the "
                            + "options of " + JvmOptions.FILE + ") the compiled code of the rehearsals may fall back "
                            + "to the interpreter after the snapshot (data it did not see), which slows the writing "
                            + "down");
                }
            } else if (step instanceof Step.Locked l) {
                out.printf("torpor: locked in memory: %d kB resident (VmRSS)%s%n", l.residentKib(),
                        l.notPrefaulted().isEmpty() ? "" : "; locked as touched only: " + l.notPrefaulted().size()
                                + " file mapping(s) mlock refused, first " + l.notPrefaulted().get(0));
                out.println(hibernating);
            } else if (step instanceof Step.AreaReused a) {
                out.println("torpor: " + a.device() + " is in use as swap but still carried an old " + a.signature()
                        + " image signature; no image on an active swap area can be resumed, so the area is reused, "
                        + "as the kernel does");
            } else if (step instanceof Step.AtRest a) {
                printRest(out, a.rest());
                out.printf("torpor: resident now %d kB (VmRSS), all of it locked%n", a.residentKib());
            } else if (step instanceof Step.Freezing) {
                out.println("torpor: freezing");
            }
            out.flush();
        }

        @Override
        public Optional<String> stopRequested() {
            int signal = signals == null ? 0 : signals.poll();
            if (signal == 0) {
                return Optional.empty();
            }
            stoppedBy = signal;
            return Optional.of(TerminationSignals.name(signal) + " received");
        }

        @Override
        public void imageCreated(int attempt, long bytes) {
            if (pause != null) {
                pause.arm();
            }
            {
                out.println("torpor: image created (" + bytes + " bytes, attempt " + attempt + ")");
                out.flush();
            }
        }

        @Override
        public void retrying(int attempt, long nextSize, String reason) {
            {
                out.println("torpor: the swap area is too small (" + reason + "); trying a smaller image ("
                        + nextSize + " bytes)");
                out.flush();
            }
        }

        @Override
        public void update(long done, long total, long bytes) {
            if (pause != null) {
                pause.progress(done, total);
            }
            long percent = total == 0 ? 100 : done * 10 / total * 10;
            if (percent != lastPercent) {
                lastPercent = percent;
                out.print("torpor: writing ");
                out.print(percent);
                out.println('%');
                out.flush();
            }
        }

        @Override
        public void suspendFailed(String reason) {
            out.println("torpor: suspend to RAM failed (" + reason + "); powering off with the image kept");
            out.flush();
        }

        @Override
        public void stored(ImageWriter.Result result, Duration writing) {
            {
                double secs = Math.max(1e-9, writing.toNanos() / 1e9);
                // printed now: the resumed system wakes up with the memory of the moment before this write
                out.printf("torpor: image stored (%d pages, %d bytes written) in %.2f s: Wrote %d kbytes (%.1f MB/s)%n",
                        result.pages(), result.bytesOut(), secs, result.bytesIn() / 1024,
                        result.bytesIn() / 1e6 / secs);
                ImageWriter.Phases ph = result.phases();
                out.println("torpor: write phases: " + ph);
                out.flush();
            }
        }
    }
}
