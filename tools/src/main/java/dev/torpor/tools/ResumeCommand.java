package dev.torpor.tools;

import dev.torpor.hibernation.ResumeListener;
import dev.torpor.hibernation.ResumeOptions;
import dev.torpor.hibernation.ResumeOutcome;
import dev.torpor.hibernation.SafeResume;
import dev.torpor.image.io.Progress;
import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.write.Invalidation;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.encrypted.PublicKeyFile;
import dev.torpor.image.io.encrypted.SecretKeyFile;
import dev.torpor.image.io.encrypted.TorporHeader;
import dev.torpor.image.io.encrypted.X25519;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.lifecycle.Resumer;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.platform.linux.JvmQuiescence;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.platform.linux.LinuxSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code torpor resume}. */
@Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Resume a hibernated system from an initramfs, before any file system is mounted: find the image "
                + "in the swap area, check its headers, its whole swap map and its header page against this kernel "
                + "(architecture and memory size), reset the signature as the kernel does, then, in one pass as the "
                + "kernel does, write the snapshot stream into /dev/snapshot while every unit is decoded and checked "
                + "(the CRC32 or the authentication tags). Only when all of it has checked does it freeze and ask "
                + "for the atomic restore; a damage found on the way leaves the running system unchanged. Where "
                + "Torpor's JNI library loads, FREEZE and the restore are one native call, so the JVM need not come "
                + "to rest first. On success this command never returns: the hibernated system carries on.", "",
                "If there is no image it exits 1 at once. If the image cannot be used it is invalidated, so the swap "
                        + "area is a clean swap area, and the exit code is non-zero: boot continues normally.", "",
                "In an initramfs, run it with the C1 compiler only, compiling Torpor's own code early and the JDK's "
                        + "start-up code late: the run lasts seconds, often on one CPU, and every compile takes that "
                        + "CPU from the resume. The launcher and the initramfs "
                        + "scripts take these from /usr/share/torpor/jvm.options when TORPOR_JAVA_OPTS is unset:",
                "  ${sys:torpor.jvm.resume}", "",
                "If the restore fails for a reason that is not the image's (the kernel short of memory, say), the "
                        + "image goes to the kernel's own resume at once (/sys/power/resume); if that does not "
                        + "restore it either, it is invalidated, since the file systems are mounted next.", "",
                "Exit codes: 0 (--check-only) the image can be resumed, 1 no image, 2 the image was refused "
                        + "(invalidated), 64 usage error, 74 I/O error reading the image (invalidated), 75 the restore "
                        + "failed for a reason that is not the image's (handed to the kernel's resume, then invalidated), 77 the "
                        + "secret key's passphrase was not given right (the image stays, unless "
                        + "--discard-on-wrong-passphrase), 78 the config file cannot be used (nothing was touched)."},
        footer = {"", "Examples:", "  torpor resume --device /dev/vda2",
                "  torpor resume --device /dev/sda3 --key /etc/torpor.key",
                "  torpor resume --device /dev/sda3 --key /etc/torpor/image.sec   # asks for the passphrase",
                "  torpor resume --check-only --device /dev/vda2"})
final class ResumeCommand implements Callable<Integer> {
    @Mixin
    SwapAreaOptions location;

    @Mixin
    ConfigOption config;

    @Option(names = "--key", paramLabel = "KEYFILE",
            description = "Key of Torpor's encrypted image kind (as given to hibernate --encrypt). Default: key-file "
                    + "= of the config file.")
    String keyFile;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "The passphrase of a secret key file given to --key, on the first line of FILE. Default: "
                    + "asked for through systemd-ask-password where systemd runs, else on the console, at most "
                    + "three times.")
    Path passphraseFile;

    @Option(names = "--discard-on-wrong-passphrase",
            description = "Invalidate an image whose secret key's passphrase was not given right. Default: the "
                    + "image stays for the next boot.")
    boolean discardLocked;

    @Option(names = "--check-only", description = "Verify the image and report; change nothing.")
    boolean checkOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<Setting, String> given = new EnumMap<>(Setting.class);
        location.given(given);
        HibernateCommand.putIfGiven(given, Setting.KEY_FILE, keyFile);
        Settings settings = Settings.resolve(config.load(), given);
        LinuxFacts facts = LinuxFacts.system();
        RunningSystem.Found<Path> device = RunningSystem.device(settings.value(Setting.DEVICE), facts);
        Path dev = device.value();
        long offset = RunningSystem.resumeOffset(settings.value(Setting.RESUME_OFFSET), facts).value();
        if (!Files.exists(dev)) {
            out.println("torpor: the resume device " + dev + " (" + device.source() + ") does not exist, so there is "
                    + "nothing to resume; booting normally (fix resume= or device = if a hibernated system is waiting)");
            return ExitCodes.NO_IMAGE;
        }
        Optional<String> keyPath = settings.get(Setting.KEY_FILE);
        ResumeOptions.Builder options = ResumeOptions.builder(dev).resumeOffset(offset)
                .snapshotDevice(location.snapshotDevice)
                .running(new Resumer.RunningKernel(Optional.of(LinuxSystem.local().uname()),
                        facts.physPages().isPresent() ? Optional.of(facts.physPages().getAsLong()) : Optional.empty()))
                // only as its own process: inside another program this would stop that program's JIT
                .settleBeforeFreeze(JvmSettings.ownProcess());
        if (keyPath.isPresent()) {
            Path kp = Path.of(keyPath.get());
            if (PublicKeyFile.is(kp)) {
                throw new IllegalArgumentException(kp + " is a public key: it encrypts images but cannot open them; "
                        + "give the secret key file of torpor keygen (key-file = /etc/torpor/image.sec serves both)");
            }
            if (!SecretKeyFile.is(kp)) {
                options.key(KeyMaterial.fromFile(kp));
            } else {
                // the passphrase is asked for only when an image encrypted to a public key is waiting
                Optional<TorporHeader> waiting = publicKeyImage(dev, offset);
                if (waiting.isPresent()) {
                    SecretKeyFile secret = SecretKeyFile.read(kp);
                    if (!java.util.Arrays.equals(secret.fingerprint(), waiting.get().recipient())) {
                        err.println("torpor: the image in " + dev + " was encrypted to the key "
                                + X25519.show(waiting.get().recipient()) + ", not to " + kp + " ("
                                + X25519.show(secret.fingerprint()) + "); it stays for the next boot, booting normally");
                        return ExitCodes.KEPT;
                    }
                    Optional<KeyMaterial> km = SecretKeys.open(kp, Optional.ofNullable(passphraseFile), err,
                            SecretKeys.ATTEMPTS);
                    if (km.isEmpty()) {
                        return locked(dev, offset, err);
                    }
                    options.key(km.get());
                }
            }
        }
        if (checkOnly) {
            return report(SafeResume.check(options.build()), dev, out, err);
        }
        return report(SafeResume.resume(options.build(), new Printer(dev, out, err)), dev, out, err);
    }

    /** The header of the image encrypted to a public key at {@code offset} of {@code dev}, if that is what waits. */
    private static Optional<TorporHeader> publicKeyImage(Path dev, long offset) throws IOException {
        try (HibernationImage image = HibernationImage.open(dev, ReadOptions.defaults().withResumeOffset(offset))) {
            if (image.encrypted().isEmpty()) {
                return Optional.empty();
            }
            TorporHeader h = image.encrypted().get().header();
            return h.kdf() == TorporHeader.KDF_X25519 ? Optional.of(h) : Optional.empty();
        } catch (ImageFormatException e) {
            return Optional.empty(); // damaged: the resume itself reports it (and invalidates it)
        }
    }

    /** No passphrase opened the secret key: the image stays for the next boot, unless the user asked otherwise. */
    private int locked(Path dev, long offset, PrintWriter err) throws IOException {
        if (discardLocked) {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dev,
                    java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                Invalidation.invalidate(PageStore.of(ch), offset);
            }
            err.println("torpor: the secret key was not opened; the image is invalidated as asked "
                    + "(--discard-on-wrong-passphrase), booting normally");
            return ExitCodes.KEPT;
        }
        err.println("torpor: the secret key was not opened; the image stays in " + dev + " for the next boot, "
                + "booting normally");
        return ExitCodes.KEPT;
    }

    /** The exit code of an outcome, and what the boot log says about it. */
    private static int report(ResumeOutcome outcome, Path dev, PrintWriter out, PrintWriter err) throws IOException {
        if (outcome instanceof ResumeOutcome.NoImage) {
            ResumeOutcome.NoImage none = (ResumeOutcome.NoImage) outcome;
            out.println("torpor: no hibernation image in " + none.device() + (none.notASwapHeader() ? " at "
                    + "resume_offset " + none.resumeOffset() + ": that page is not a swap header (is resume_offset "
                    + "stale? torpor swap-offset FILE gives a swap file's)" : "") + "; booting normally");
            return ExitCodes.NO_IMAGE;
        } else if (outcome instanceof ResumeOutcome.Resumable) {
            Resumer.Verified v = ((ResumeOutcome.Resumable) outcome).verified();
            out.printf("torpor: %s holds a resumable %s image of %d pages%s%n", dev, kindLabel(v.kind()), v.pages(),
                    v.crc32Ok().map(ok -> ok ? ", CRC32 ok" : ", CRC32 WRONG").orElse(""));
            return ExitCodes.OK;
        } else if (outcome instanceof ResumeOutcome.Refused) {
            ResumeOutcome.Refused r = (ResumeOutcome.Refused) outcome;
            if (r.invalidated()) {
                err.println("torpor: image refused and invalidated, booting normally: " + r.reason());
            } else {
                out.println("torpor: the image in " + dev + " would be refused: " + r.reason());
            }
            return ExitCodes.CORRUPT;
        } else if (outcome instanceof ResumeOutcome.Damaged) {
            ResumeOutcome.Damaged d = (ResumeOutcome.Damaged) outcome;
            if (!d.invalidated()) {
                throw d.error();
            }
            err.println("torpor: the image is damaged and was invalidated, booting normally: "
                    + Torpor.describe(d.error()));
            return ExitCodes.CORRUPT;
        } else if (outcome instanceof ResumeOutcome.Failed) {
            err.println("torpor: resume failed, the image is invalidated, booting normally: "
                    + Torpor.describe(((ResumeOutcome.Failed) outcome).error()));
            return ExitCodes.IO_ERROR;
        } else if (outcome instanceof ResumeOutcome.NotRestored) {
            err.println("torpor: the image was not restored and is invalidated; booting normally");
            return ExitCodes.TEMP_FAIL;
        }
        err.println("torpor: the atomic restore returned; the image was not restored");
        return ExitCodes.IO_ERROR;
    }

    /** The resume's lines in the boot log. */
    private static final class Printer implements ResumeListener {
        private final Path dev;
        private final PrintWriter out;
        private final PrintWriter err;

        Printer(Path dev, PrintWriter out, PrintWriter err) {
            this.dev = dev;
            this.out = out;
            this.err = err;
        }

        @Override
        public void resuming(ImageKind kind, boolean direct) {
            out.printf("torpor: resuming from %s (%s image; units read %s)%n", dev, kindLabel(kind),
                    direct ? "with O_DIRECT" : "through the page cache");
            out.flush();
        }

        @Override
        public void phases(List<Progress.Phase> phases) {
            // checks, stream, device: in the order Resumer reports them
            out.printf("torpor: resume phases: checks before the first page %.2f s, reading, decoding and "
                    + "checking %.2f s, into the snapshot device %.2f s%n", seconds(phases.get(0)),
                    seconds(phases.get(1)), seconds(phases.get(2)));
            if (phases.size() >= 8) {
                // then how the stream's part splits (kernel images), and the device's slowest call
                out.printf("torpor: resume stream: reading the area %.2f s (waiting for the disk %.2f s), "
                        + "%s %.2f s, %s %.2f s; %s %.3f s%n", seconds(phases.get(3)), seconds(phases.get(7)),
                        phases.get(4).name(), seconds(phases.get(4)), phases.get(5).name(), seconds(phases.get(5)),
                        phases.get(6).name(), seconds(phases.get(6)));
            }
            for (Progress.Phase p : phases.subList(Math.min(8, phases.size()), phases.size())) {
                out.printf("torpor: resume: %s %.2f s%n", p.name(), seconds(p));
            }
        }

        @Override
        public void verified(long pages, long bytes, Duration took) {
            double secs = Math.max(1e-9, took.toNanos() / 1e9);
            out.printf("torpor: verified %d pages in %.2f s, written into the snapshot device as they were read:"
                    + " Read %d kbytes (%.1f MB/s)%n", pages, secs, bytes / 1024, bytes / 1e6 / secs);
            out.flush();
        }

        @Override
        public void beforeFreeze(boolean atOnce) throws IOException {
            Optional<PauseAt> pause = PauseAt.of(out, null);
            if (pause.isPresent()) {
                pause.get().at(PauseAt.Moment.BEFORE_RESTORE);
            }
            if (atOnce) {
                out.println("torpor: FREEZE and the restore are one native call: the JVM need not come to rest");
            }
        }

        @Override
        public void atRest(JvmQuiescence.Report rest) {
            HibernateCommand.printRest(out, rest);
        }

        @Override
        public void restoring(long pages, long bytes, Duration took) {
            double all = Math.max(1e-9, took.toNanos() / 1e9);
            out.printf("torpor: restoring: Restored %d kbytes in %.2f s from the first read (%.1f MB/s in all)%n",
                    bytes / 1024, all, bytes / 1e6 / all);
            out.flush();
        }

        @Override
        public void restoreFailed(Throwable cause) {
            err.println("torpor: resume failed: " + Torpor.describe(cause));
        }

        @Override
        public void note(String message) {
            err.println("torpor: " + message);
            err.flush();
        }
    }

    private static String kindLabel(ImageKind kind) {
        return kind == ImageKind.TORPOR ? "Torpor encrypted" : "kernel";
    }

    private static double seconds(Progress.Phase p) {
        return p.took().toNanos() / 1e9;
    }
}
