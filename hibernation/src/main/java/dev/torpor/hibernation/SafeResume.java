package dev.torpor.hibernation;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.lifecycle.Resumer;
import dev.torpor.image.io.write.Invalidation;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.platform.linux.BlockDevices;
import dev.torpor.platform.linux.FileDevices;
import dev.torpor.platform.linux.JvmQuiescence;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.platform.linux.LinuxSnapshotDevice;
import dev.torpor.platform.linux.LinuxSystem;
import dev.torpor.snapshot.api.device.SnapshotDevice;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The resume side of {@link SafeHibernation}: what an initramfs's resume does around {@link Resumer}. It reads the
 * units with {@code O_DIRECT} where the device allows it (otherwise it drops what it read from the page cache as it
 * goes, since the kernel's atomic allocations for the image cannot take cached pages back), brings the JVM to rest
 * where FREEZE and the restore are separate calls, and leaves no image signed that was not restored: one that the
 * kernel could still restore is handed to the kernel's own resume first.
 */
public final class SafeResume {
    /** How often the pages read so far are dropped from the page cache where units go through it. */
    static final long DROP_EVERY_PAGES = 4096;

    private SafeResume() {
    }

    /** Checks the image as a resume would, and changes nothing. */
    public static ResumeOutcome check(ResumeOptions options) throws IOException {
        if (!Files.exists(options.device())) {
            return new ResumeOutcome.NoImage(options.device(), options.resumeOffset(), true, false);
        }
        try (HibernationImage image = open(options)) {
            if (image.kind() == ImageKind.NONE) {
                return noImage(options, image);
            }
            try {
                return new ResumeOutcome.Resumable(Resumer.verify(image, options.key(), options.running()));
            } catch (Resumer.Refused e) {
                return new ResumeOutcome.Refused(e.getMessage(), false);
            } catch (ImageFormatException e) {
                return new ResumeOutcome.Damaged(e, false);
            }
        }
    }

    /**
     * Resumes the hibernated system. On success this never returns: the hibernated system carries on. Whatever it
     * returns, the boot can continue (see {@link ResumeOutcome}).
     */
    public static ResumeOutcome resume(ResumeOptions options, ResumeListener listener) throws IOException {
        Path dev = options.device();
        if (!Files.exists(dev)) {
            return new ResumeOutcome.NoImage(dev, options.resumeOffset(), true, false);
        }
        long offset = options.resumeOffset();
        NativeCodecs.install(); // a JVM just started decodes at C speed through JNI from the first unit
        try (FileChannel rw = FileChannel.open(dev, StandardOpenOption.READ, StandardOpenOption.WRITE);
             HibernationImage image = open(options)) {
            if (image.kind() == ImageKind.NONE) {
                return noImage(options, image);
            }
            PageStore store = PageStore.of(rw);
            // the swap area is read through the page cache while the kernel allocates the image's pages, and those
            // allocations (GFP_ATOMIC) cannot take cached pages back (found in a dracut guest: ENOMEM), so what was
            // read is dropped as the stream goes (periodically only where the units cannot be read with O_DIRECT)
            dropCachedPages(dev, listener);
            boolean direct = readDirectly(image, dev);
            SnapshotDevice snapshot;
            try {
                snapshot = LinuxSnapshotDevice.open(options.snapshotDevice(), SnapshotDevice.Mode.RESTORE);
            } catch (IOException | RuntimeException e) {
                return handOff(options, image.kind(), store, e, true, listener);
            }
            // the report's starting figures first: the management beans' first use loads classes, not the resume's work
            long compiled0 = compileMillis();
            long threadCpu0 = THREADS.getCurrentThreadCpuTime();
            long processCpu0 = processCpuNanos();
            // which threads took the CPU, by name, only when asked: reading every thread's /proc entry costs a resume
            // under an emulated CPU a tenth of a second
            boolean byName = Boolean.getBoolean(THREADS_PROPERTY);
            Map<String, Duration> threads0 = byName ? JvmQuiescence.otherThreadsCpu() : Map.of();
            if (byName) {
                byThread(threads0);
            }
            long start = System.nanoTime();
            long[] done = new long[2]; // stream pages and bytes into the device, as Resumer reports them
            JvmQuiescence.Stopped[] jit = new JvmQuiescence.Stopped[1];
            try (snapshot) {
                listener.resuming(image.kind(), direct);
                Resumer.resume(image, store, offset, snapshot, options.key(), options.running(), new ResumeListener() {
                    private long dropped;

                    @Override
                    public void update(long pages, long total, long bytes) {
                        done[0] = pages;
                        done[1] = bytes;
                        listener.update(pages, total, bytes);
                        // updates come every few hundred pages; direct reads leave nothing cached to drop
                        if (!direct && pages - dropped >= DROP_EVERY_PAGES) {
                            dropped = pages;
                            dropCachedPages(dev, listener);
                        }
                    }

                    @Override
                    public void phases(List<Phase> phases) {
                        // a JVM just started compiles as it resumes, on the same CPUs: how much, for the report
                        long reporting = System.nanoTime();
                        List<Phase> all = new java.util.ArrayList<>(phases);
                        all.add(new Phase("JIT compilation, all threads",
                                Duration.ofMillis(compileMillis() - compiled0)));
                        long mine = THREADS.getCurrentThreadCpuTime() - threadCpu0;
                        all.add(new Phase("CPU of this thread", Duration.ofNanos(mine)));
                        all.add(new Phase("CPU of the JVM's other threads" + (byName ? byThread(threads0) : ""),
                                Duration.ofNanos(Math.max(0, processCpuNanos() - processCpu0 - mine))));
                        all.add(new Phase("gathering these figures", Duration.ofNanos(System.nanoTime() - reporting)));
                        listener.phases(List.copyOf(all));
                    }
                }, atOnce -> {
                    listener.verified(done[0], done[1], Duration.ofNanos(System.nanoTime() - start));
                    dropCachedPages(dev, listener);
                    listener.beforeFreeze(atOnce);
                    if (!atOnce && options.settleBeforeFreeze()) {
                        jit[0] = JvmQuiescence.stopCompilation(options.scratch());
                        listener.atRest(SafeHibernation.settleForRestore(jit[0], options.settleTimeout()));
                    }
                    listener.restoring(done[0], done[1], Duration.ofNanos(System.nanoTime() - start));
                });
                return new ResumeOutcome.RestoreReturned();
            } catch (Resumer.Refused e) {
                Invalidation.invalidateAfter(store, offset, e);
                return new ResumeOutcome.Refused(e.getMessage(), true);
            } catch (ImageFormatException e) {
                Invalidation.invalidateAfter(store, offset, e);
                return new ResumeOutcome.Damaged(e, true);
            } catch (Resumer.RestoreFailed e) {
                return handOff(options, image.kind(), store, e.getCause(), e.imageKept(), listener);
            } catch (IOException | RuntimeException e) {
                Invalidation.invalidateAfter(store, offset, e);
                return new ResumeOutcome.Failed(e);
            } finally {
                if (jit[0] != null) {
                    JvmQuiescence.resumeCompilation(jit[0]); // no restore: this program goes on
                }
            }
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** The other threads' CPU since {@code before}, largest first, by thread name: " (C1 CompilerThre 0.40 s, …)". */
    /** Set to {@code true}, a resume names the JVM's threads that took the CPU while it ran (for measurements). */
    public static final String THREADS_PROPERTY = "torpor.report.threads";

    static String byThread(Map<String, Duration> before) {
        StringBuilder s = new StringBuilder();
        JvmQuiescence.otherThreadsCpu().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().minus(before.getOrDefault(e.getKey(), Duration.ZERO))))
                .filter(e -> !e.getValue().isZero() && !e.getValue().isNegative())
                .sorted(Map.Entry.<String, Duration>comparingByValue().reversed())
                .forEach(e -> s.append(s.length() == 0 ? " (" : ", ")
                        .append(String.format(java.util.Locale.ROOT, "%s %.2f s", e.getKey(), e.getValue().toMillis() / 1e3)));
        return s.length() == 0 ? "" : s.append(')').toString();
    }

    /** CPU time of the whole process so far; 0 where the JVM does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** Milliseconds this JVM's compilers have worked so far; 0 where it does not say. */
    private static long compileMillis() {
        java.lang.management.CompilationMXBean c = java.lang.management.ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : 0;
    }

    private static HibernationImage open(ResumeOptions options) throws IOException {
        Path dev = options.device();
        return HibernationImage.open(FileChannel.open(dev, StandardOpenOption.READ), RunningKernel.size(dev),
                dev.toString(), ReadOptions.defaults().withResumeOffset(options.resumeOffset()));
    }

    /** No image: the probe found no swap header at a resume offset other than 0, or a plain swap area. */
    private static ResumeOutcome noImage(ResumeOptions options, HibernationImage image) {
        long offset = options.resumeOffset();
        return new ResumeOutcome.NoImage(options.device(), offset, false, offset > 0 && image.swapHeader().isEmpty());
    }

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

    private static void dropCachedPages(Path dev, ResumeListener listener) {
        try {
            LinuxSystem.local().dropCachedPages(dev);
        } catch (IOException | RuntimeException e) {
            listener.note("the cached pages of " + dev + " could not be dropped (" + e.getMessage()
                    + "); the kernel may be short of memory for the restore");
        }
    }

    /**
     * An image that could not be restored for a reason that is not the image's: the kernel's own resume gets it at
     * once, through /sys/power/resume, as Debian's resume script would. If that returns, nothing restored it, and no
     * image may stay signed for a later boot: the file systems are mounted next, and resuming it then would undo
     * what happened to them since.
     */
    private static ResumeOutcome handOff(ResumeOptions options, ImageKind kind, PageStore store, Throwable cause,
                                         boolean signed, ResumeListener listener) {
        listener.restoreFailed(cause);
        boolean handed = false;
        if (signed && kind == ImageKind.KERNEL && options.handOffToKernel() && kernelCanResume(options)) {
            listener.note("handing the image to the kernel's own resume (it checks the image itself)");
            try {
                LinuxFacts.DeviceNumber n = FileDevices.numberOf(options.device());
                Files.writeString(Path.of("/sys/power/resume_offset"), Long.toString(options.resumeOffset()));
                Files.writeString(Path.of("/sys/power/resume"), n.major() + ":" + n.minor());
                handed = true;
                listener.note("the kernel's resume returned: it did not restore the image");
            } catch (IOException | RuntimeException e) {
                listener.note("the kernel's resume could not be started: " + e.getMessage());
            }
        }
        boolean invalidated = !signed;
        if (signed) {
            try {
                Invalidation.invalidate(store, options.resumeOffset());
                invalidated = true;
            } catch (IOException | RuntimeException e) {
                listener.note("warning: the image could not be invalidated: " + e.getMessage());
            }
        }
        return new ResumeOutcome.NotRestored(cause, handed, invalidated);
    }

    /** A block device and the real /dev/snapshot: never on a test's file or emulated device. */
    private static boolean kernelCanResume(ResumeOptions options) {
        try {
            return BlockDevices.isBlockDevice(options.device())
                    && options.snapshotDevice().toRealPath().equals(Path.of("/dev/snapshot"))
                    && Files.isWritable(Path.of("/sys/power/resume"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
