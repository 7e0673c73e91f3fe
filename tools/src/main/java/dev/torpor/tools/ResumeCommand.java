package dev.torpor.tools;

import dev.torpor.hibernation.NativeCodecs;
import dev.torpor.image.io.Progress;
import dev.torpor.image.io.HibernationImage;
import dev.torpor.image.io.ImageKind;
import dev.torpor.image.io.KeyMaterial;
import dev.torpor.hibernation.RunningKernel;
import dev.torpor.image.io.ReadOptions;
import dev.torpor.image.io.lifecycle.Resumer;
import dev.torpor.image.io.write.Invalidation;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.platform.linux.BlockDevices;
import dev.torpor.platform.linux.FileDevices;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.platform.linux.LinuxSnapshotDevice;
import dev.torpor.platform.linux.LinuxSystem;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.EnumMap;
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
                "In an initramfs, run it with the C1 compiler only, compiling early: the run lasts seconds, often "
                        + "on one CPU, and quick compiles beat C2's better code there. The launcher and the initramfs "
                        + "scripts take these from /usr/share/torpor/jvm.options when TORPOR_JAVA_OPTS is unset:",
                "  ${sys:torpor.jvm.resume}", "",
                "If the restore fails for a reason that is not the image's (the kernel short of memory, say), the "
                        + "image goes to the kernel's own resume at once (/sys/power/resume); if that does not "
                        + "restore it either, it is invalidated, since the file systems are mounted next.", "",
                "Exit codes: 0 (--check-only) the image can be resumed, 1 no image, 2 the image was refused "
                        + "(invalidated), 64 usage error, 74 I/O error reading the image (invalidated), 75 the restore "
                        + "failed for a reason that is not the image's (handed to the kernel's resume, then invalidated), 78 the config file cannot be used (nothing was touched)."},
        footer = {"", "Examples:", "  torpor resume --device /dev/vda2",
                "  torpor resume --device /dev/sda3 --key /etc/torpor.key",
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
        Optional<KeyMaterial> key = keyPath.isEmpty() ? Optional.empty()
                : Optional.of(KeyMaterial.fromFile(Path.of(keyPath.get())));
        Resumer.RunningKernel running = new Resumer.RunningKernel(Optional.of(LinuxSystem.local().uname()),
                facts.physPages().isPresent() ? Optional.of(facts.physPages().getAsLong()) : Optional.empty());
        long size = RunningKernel.size(dev);
        NativeCodecs.install(); // a JVM just started decodes at C speed through JNI from the first unit
        try (FileChannel rw = FileChannel.open(dev, StandardOpenOption.READ, StandardOpenOption.WRITE);
             HibernationImage image = HibernationImage.open(FileChannel.open(dev, StandardOpenOption.READ), size,
                     dev.toString(), ReadOptions.defaults().withResumeOffset(offset))) {
            if (image.kind() == ImageKind.NONE) {
                int page = facts.kernelPageSize().orElse(4096);
                boolean stale = offset > 0 && !Preflight.signedAt(dev, offset * page, page);
                out.println("torpor: no hibernation image in " + dev + (stale ? " at resume_offset " + offset
                        + ": that page is not a swap header (is resume_offset stale? torpor swap-offset FILE gives a "
                        + "swap file's)" : "") + "; booting normally");
                return ExitCodes.NO_IMAGE;
            }
            PageStore store = PageStore.of(rw);
            if (checkOnly) {
                try {
                    Resumer.Verified v = Resumer.verify(image, key, running);
                    out.printf("torpor: %s holds a resumable %s image of %d pages%s%n", dev, kindLabel(v.kind()),
                            v.pages(), v.crc32Ok().map(ok -> ok ? ", CRC32 ok" : ", CRC32 WRONG").orElse(""));
                    return ExitCodes.OK;
                } catch (Resumer.Refused e) {
                    out.println("torpor: the image in " + dev + " would be refused: " + e.getMessage());
                    return ExitCodes.CORRUPT;
                }
            }
            // the swap area is read through the page cache while the kernel allocates the image's pages, and those
            // allocations (GFP_ATOMIC) cannot take cached pages back (found in a dracut guest: ENOMEM), so what was
            // read is dropped as the stream goes (periodically only where the units cannot be read with O_DIRECT)
            dropCachedPages(dev, err);
            // the units themselves bypass the page cache where the device allows it, as the kernel's resume reads
            boolean direct = readDirectly(image, dev);
            SnapshotDevice snapshot;
            try {
                snapshot = LinuxSnapshotDevice.open(location.snapshotDevice, SnapshotDevice.Mode.RESTORE);
            } catch (IOException | RuntimeException e) {
                return handOff(dev, offset, image.kind(), store, e, true, err);
            }
            long start = System.nanoTime();
            try (snapshot) {
                out.printf("torpor: resuming from %s (%s image; units read %s)%n", dev, kindLabel(image.kind()),
                        direct ? "with O_DIRECT" : "through the page cache");
                out.flush();
                int page = facts.kernelPageSize().orElse(4096);
                long[] streamBytes = new long[1];
                Resumer.resume(image, store, offset, snapshot, key, running, new Progress() {
                    private long dropped;

                    @Override
                    public void update(long done, long total, long bytes) {
                        streamBytes[0] = done * page;
                        // updates come every few hundred pages, not at fixed counts; direct reads leave nothing
                        // cached to drop
                        if (!direct && done - dropped >= DROP_EVERY_PAGES) {
                            dropped = done;
                            dropCachedPages(dev, err);
                        }
                    }

                    @Override
                    public void phases(java.util.List<Progress.Phase> phases) {
                        // checks, stream, device: in the order Resumer reports them
                        out.printf("torpor: resume phases: checks before the first page %.2f s, reading, decoding and "
                                + "checking %.2f s, into the snapshot device %.2f s%n", seconds(phases.get(0)),
                                seconds(phases.get(1)), seconds(phases.get(2)));
                        if (phases.size() >= 8) {
                            // then how the stream's part splits (kernel images), and the device's slowest call
                            out.printf("torpor: resume stream: reading the area %.2f s (waiting for the disk %.2f s), "
                                    + "decoding %.2f s, crc32 %.2f s; %s %.3f s%n", seconds(phases.get(3)),
                                    seconds(phases.get(7)), seconds(phases.get(4)), seconds(phases.get(5)),
                                    phases.get(6).name(), seconds(phases.get(6)));
                        }
                    }
                }, atOnce -> {
                    // the whole stream is in the device and every unit has checked
                    double secs = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                    out.printf("torpor: verified %d pages in %.2f s, written into the snapshot device as they were read:"
                            + " Read %d kbytes (%.1f MB/s)%n", streamBytes[0] / page, secs, streamBytes[0] / 1024,
                            streamBytes[0] / 1e6 / secs);
                    out.flush();
                    dropCachedPages(dev, err);
                    Optional<PauseAt> pause = PauseAt.of(out, null);
                    if (pause.isPresent()) {
                        pause.get().at(PauseAt.Moment.BEFORE_RESTORE);
                    }
                    if (atOnce) {
                        out.println("torpor: FREEZE and the restore are one native call: the JVM need not come to rest");
                    } else {
                        comeToRest(out);
                    }
                    double all = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                    out.printf("torpor: restoring: Restored %d kbytes in %.2f s from the first read (%.1f MB/s in all)%n",
                            streamBytes[0] / 1024, all, streamBytes[0] / 1e6 / all);
                    out.flush();
                });
                err.println("torpor: the atomic restore returned; the image was not restored");
                return ExitCodes.IO_ERROR;
            } catch (Resumer.Refused e) {
                invalidateQuietly(store, offset, e);
                err.println("torpor: image refused and invalidated, booting normally: " + e.getMessage());
                return ExitCodes.CORRUPT;
            } catch (dev.torpor.image.io.ImageFormatException e) {
                invalidateQuietly(store, offset, e);
                err.println("torpor: the image is damaged and was invalidated, booting normally: "
                        + Torpor.describe(e));
                return ExitCodes.CORRUPT;
            } catch (Resumer.RestoreFailed e) {
                return handOff(dev, offset, image.kind(), store, e.getCause(), e.imageKept(), err);
            } catch (IOException | RuntimeException e) {
                invalidateQuietly(store, offset, e);
                err.println("torpor: resume failed, the image is invalidated, booting normally: " + Torpor.describe(e));
                return ExitCodes.IO_ERROR;
            }
        }
    }

    /**
     * Before FREEZE, as torpor hibernate does: the freezer stops this JVM's threads wherever they are, and the few
     * calls left (FREEZE, ATOMIC_RESTORE) must not wait for a lock a frozen compiler thread holds (a guest hung
     * there once). Only as its own process: inside another program this would stop that program's JIT.
     */
    private static void comeToRest(PrintWriter out) throws IOException {
        if (!JvmSettings.ownProcess()) {
            return;
        }
        HibernateCommand.printRest(out, dev.torpor.hibernation.SafeHibernation.settleForRestore(
                Path.of(System.getProperty("java.io.tmpdir")), Duration.ofSeconds(60)));
    }

    /** How often the pages read so far are dropped from the page cache while the stream goes into the device. */
    private static final long DROP_EVERY_PAGES = 4096;

    /** Whether the image's units are read with O_DIRECT from now on (not where the device or file refuses it). */
    private static boolean readDirectly(HibernationImage image, Path dev) {
        FileChannel direct;
        try {
            direct = FileChannel.open(dev, StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
        return image.readStreamDirectly(direct);
    }

    private static void dropCachedPages(Path dev, PrintWriter err) {
        try {
            LinuxSystem.local().dropCachedPages(dev);
        } catch (IOException | RuntimeException e) {
            err.println("torpor: note: the cached pages of " + dev + " could not be dropped (" + e.getMessage()
                    + "); the kernel may be short of memory for the restore");
        }
    }

    private static String kindLabel(ImageKind kind) {
        return kind == ImageKind.TORPOR ? "Torpor encrypted" : "kernel";
    }

    /**
     * An image that torpor could not restore, for a reason that is not the image's (the kernel short of
     * memory, no /dev/snapshot): the kernel's own resume gets it at once, through /sys/power/resume, as Debian's
     * resume script would. If that returns, nothing restored it, and no image may stay signed for a later boot: the
     * file systems are mounted next, and resuming it then would undo what happened to them since.
     */
    private int handOff(Path dev, long offset, ImageKind kind, PageStore store, Throwable cause, boolean signed,
                        PrintWriter err) {
        err.println("torpor: resume failed: " + Torpor.describe(cause));
        if (signed && kind == ImageKind.KERNEL && kernelCanResume(dev)) {
            err.println("torpor: handing the image to the kernel's own resume (it checks the image itself)");
            err.flush();
            try {
                LinuxFacts.DeviceNumber n = FileDevices.numberOf(dev);
                Files.writeString(Path.of("/sys/power/resume_offset"), Long.toString(offset));
                Files.writeString(Path.of("/sys/power/resume"), n.major() + ":" + n.minor());
                err.println("torpor: the kernel's resume returned: it did not restore the image");
            } catch (IOException | RuntimeException e) {
                err.println("torpor: the kernel's resume could not be started: " + e.getMessage());
            }
        }
        if (signed) {
            try {
                Invalidation.invalidate(store, offset);
            } catch (IOException | RuntimeException e) {
                err.println("torpor: warning: the image could not be invalidated: " + e.getMessage());
            }
        }
        err.println("torpor: the image was not restored and is invalidated; booting normally");
        return ExitCodes.TEMP_FAIL;
    }

    /** A block device and the real /dev/snapshot: never on a test's file or emulated device. */
    private boolean kernelCanResume(Path dev) {
        try {
            return BlockDevices.isBlockDevice(dev)
                    && location.snapshotDevice.toRealPath().equals(Path.of("/dev/snapshot"))
                    && Files.isWritable(Path.of("/sys/power/resume"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void invalidateQuietly(PageStore store, long offset, Exception cause) {
        try {
            Invalidation.invalidate(store, offset);
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static double seconds(Progress.Phase p) {
        return p.took().toNanos() / 1e9;
    }
}
