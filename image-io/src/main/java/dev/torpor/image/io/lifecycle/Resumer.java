package dev.torpor.image.io.lifecycle;

import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.read.PageRuns;
import dev.torpor.image.io.read.PageSource;
import dev.torpor.image.io.Progress;
import dev.torpor.image.io.read.SnapshotStream;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.image.io.write.Invalidation;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.session.ResumeSession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Restores a hibernated system from an image, as the kernel's {@code software_resume} does but in user space, and
 * like the kernel in one pass: the headers, the swap map and the header page against the running kernel are checked,
 * the signature is reset so the image is never used twice, the stream goes into {@code /dev/snapshot} while every
 * unit is decoded and checked (CRC32 or authentication tags), and only when all of it has checked are processes
 * frozen and the atomic restore asked for. On success the restore does not return on a real machine. A damaged image
 * leaves the area a plain swap area and the device unrestored; a failure that is not the image's
 * ({@link RestoreFailed}) puts the image back, for the caller to hand on or invalidate. {@link #verify} checks an
 * image without any device.
 */
public final class Resumer {

    /**
     * What the running system is, for the header check; empty fields are not checked.
     *
     * @param uname    the running kernel's {@code uname} (the kernel compares sysname, release, version, machine)
     * @param physPages the running kernel's {@code get_num_physpages()} (sum of the zones' present pages)
     */
    public record RunningKernel(Optional<Utsname> uname, Optional<Long> physPages) {
        public static RunningKernel unknown() {
            return new RunningKernel(Optional.empty(), Optional.empty());
        }
    }

    /**
     * A verified image.
     *
     * @param kind      kernel image or Torpor's encrypted kind
     * @param pageSize  the stream's page size
     * @param pages     stream pages (header page included)
     * @param info      the image's header page
     * @param crc32Ok   the stored CRC32 matched (empty when the image carries none)
     */
    public record Verified(ImageKind kind, int pageSize, long pages, SnapshotInfo info, Optional<Boolean> crc32Ok) {
    }

    /** Why an image is not restored. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Resumer() {
    }

    /**
     * Checks all of {@code image} without touching any device: structure and every unit, CRC32 or authentication
     * (with {@code key} for Torpor's encrypted kind), and the header against {@code running}.
     */
    public static Verified verify(HibernationImage image, Optional<KeyMaterial> key, RunningKernel running)
            throws IOException {
        Objects.requireNonNull(key, "key");
        Inspection inspection = image.inspect(false);
        requireResumable(image, inspection, key);
        SnapshotInfo info;
        int pageSize;
        if (image.kind() == ImageKind.TORPOR) {
            image.encrypted().orElseThrow().verify(key.get());
            pageSize = image.encrypted().orElseThrow().header().pageSize();
            info = headerOf(image.encrypted().orElseThrow().pagesAfterVerify(key.get()).next(), pageSize);
        } else {
            info = image.info().orElseThrow(() -> new Refused("the image has no readable header page", null));
            pageSize = image.detection().orElseThrow().target().pageSize();
        }
        checkAgainst(info, running);
        return new Verified(image.kind(), pageSize, info.pages(), info, inspection.crc32Ok());
    }

    /**
     * What both {@link #verify} and {@link #resume} refuse before reading a unit: an inspection with errors (Torpor's
     * encrypted kind has its own verdict; its units are authenticated as they are read instead), an
     * encrypted image without a key, an image of another tool.
     */
    private static void requireResumable(HibernationImage image, Inspection inspection, Optional<KeyMaterial> key)
            throws Refused {
        boolean ours = image.kind() == ImageKind.TORPOR && inspection.verdict() == Verdict.ENCRYPTED;
        if (inspection.verdict() != Verdict.VALID && !ours) {
            throw new Refused("the image is not valid: " + inspection.problems().stream().findFirst()
                    .map(p -> p.message() + " (byte " + p.offset() + ")").orElse(inspection.verdict().toString()), null);
        }
        if (image.kind() == ImageKind.TORPOR && key.isEmpty()) {
            throw new Refused("the image is Torpor's encrypted kind: a key is needed (--key)", null);
        }
        if (image.kind() != ImageKind.TORPOR && image.kind() != ImageKind.KERNEL) {
            throw new Refused("Torpor cannot restore a " + image.kind() + " image", null);
        }
    }

    /** The header page of a decrypted stream, read with the word size and byte order at which it is consistent. */
    private static SnapshotInfo headerOf(ByteBuffer first, int pageSize) throws IOException {
        if (first == null) {
            throw new ImageFormatException(0, "the Torpor image holds no pages");
        }
        for (KernelByteOrder order : KernelByteOrder.values()) {
            for (int word : new int[] {8, 4}) {
                TargetProfile t = new TargetProfile(pageSize, word, order, "unknown");
                if (SnapshotInfo.plausible(first, t)) {
                    return SnapshotInfo.parse(first, t);
                }
            }
        }
        throw new Refused("the decrypted stream does not start with a snapshot header page", null);
    }

    /**
     * What the kernel's {@code check_header} would refuse: a header from another kernel build (utsname, on
     * architectures without their own record), another architecture (x86, arm64 and riscv keep an arch record
     * instead; its own checks, such as x86's e820 checksum, are left to the kernel), or another memory size.
     */
    private static void checkAgainst(SnapshotInfo info, RunningKernel running) throws Refused {
        if (running.uname().isPresent()) {
            Utsname mine = running.uname().get();
            if (info.uts().isPresent()) {
                Utsname theirs = info.uts().get();
                if (!mine.sysname().equals(theirs.sysname()) || !mine.release().equals(theirs.release())
                        || !mine.version().equals(theirs.version()) || !mine.machine().equals(theirs.machine())) {
                    throw new Refused("the image was made by kernel " + theirs.release() + " " + theirs.version()
                            + " (" + theirs.machine() + "), this is " + mine.release() + " " + mine.version() + " ("
                            + mine.machine() + "); the kernel would refuse it", null);
                }
            } else if (!info.arch().equals(Utsname.archOfMachine(mine.machine()))) {
                throw new Refused("the image was made by an " + info.arch() + " kernel, this kernel is "
                        + Utsname.archOfMachine(mine.machine()), null);
            }
        }
        if (running.physPages().isPresent() && info.numPhysPages() != running.physPages().get()) {
            throw new Refused("the image was made on a machine with " + info.numPhysPages() + " physical pages, this "
                    + "one has " + running.physPages().get() + "; the kernel would refuse it", null);
        }
    }

    /**
     * Resumes in one pass, as the kernel's {@code load_image} does: resets the signature of the area at
     * {@code resumeOffset} in {@code store}, writes the stream into {@code device} (opened write-only) while every unit
     * is decoded and checked, and only once the last unit has checked (CRC32 or authentication tags) freezes and
     * restores. Returns only where a restore can return (the emulator); on a real machine a successful restore
     * continues in the hibernated system.
     *
     * <p>Before the first page reaches the device the headers, the whole swap map, the first unit (for Torpor's kind:
     * the key) and the header page against {@code running} are checked; damage found later ends the run with the
     * device never restored, so the running system changes in nothing and the caller closes the device.
     *
     * @throws Refused              if the image is not one this system can resume (the area is a plain swap area)
     * @throws ImageFormatException if it is damaged (likewise)
     * @throws RestoreFailed        if it failed for a reason that is not the image's (the signature put back)
     */
    public static Verified resume(HibernationImage image, PageStore store, long resumeOffset, SnapshotDevice device,
                                  Optional<KeyMaterial> key, RunningKernel running, Progress progress) throws IOException {
        return resume(image, store, resumeOffset, device, key, running, progress, atOnce -> { });
    }

    /**
     * As {@link #resume(HibernationImage, PageStore, long, SnapshotDevice, Optional, RunningKernel, Progress)},
     * calling {@code beforeFreeze} once the whole stream is in the device and has checked, before {@code FREEZE}: a
     * JVM brings its own threads to rest there, since the freezer stops them wherever they are (torpor resume does).
     */
    public static Verified resume(HibernationImage image, PageStore store, long resumeOffset, SnapshotDevice device,
                                  Optional<KeyMaterial> key, RunningKernel running, Progress progress,
                                  BeforeFreeze beforeFreeze) throws IOException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(progress, "progress (Progress.NONE for nobody)");
        PageSource stream;
        ByteBuffer first;
        SnapshotInfo info;
        int pageSize;
        long started = System.nanoTime();
        try {
            requireResumable(image, image.inspect(true), key);
            if (image.kind() == ImageKind.TORPOR) {
                pageSize = image.encrypted().orElseThrow().header().pageSize();
                // every unit is authenticated as it is decrypted; the first one here, before the device sees a page
                stream = image.encrypted().orElseThrow().pagesAfterVerify(key.get());
                first = stream.next();
                info = headerOf(first == null ? null : first.duplicate(), pageSize);
            } else {
                info = image.info().orElseThrow(() -> new Refused("the image has no readable header page", null));
                pageSize = image.detection().orElseThrow().target().pageSize();
                stream = image.stream();
                first = stream.next();
            }
            checkAgainst(info, running);
        } catch (IOException | RuntimeException e) {
            Invalidation.invalidateAfter(store, resumeOffset, e);
            throw e;
        }
        // as the kernel does once it has found an image: never resume the same image twice. The header page is kept,
        // to be put back if the restore fails for a reason that is not the image's
        ByteBuffer header = ByteBuffer.allocate(pageSize);
        store.read(header, resumeOffset * pageSize);
        Invalidation.invalidate(store, resumeOffset);
        try {
            ResumeSession session = new ResumeSession(device, pageSize);
            long checked = System.nanoTime();
            Feed feed = new Feed(session, info.pages(), pageSize, progress);
            if (first != null) {
                feed.accept(first);
            }
            if (stream instanceof PageRuns runs) {
                // straight from the decoded unit into the device: no copy between
                while (runs.nextRun(RUN_PAGES, feed) > 0) {
                    // the feed writes each run as it comes
                }
            } else {
                for (ByteBuffer page = stream.next(); page != null; page = stream.next()) {
                    feed.accept(page);
                }
            }
            long streamNanos = System.nanoTime() - checked - feed.deviceNanos;
            long deviceNanos = feed.deviceNanos;
            long written = feed.written;
            if (written != info.pages()) {
                throw new ImageFormatException(0, "the stream held " + written + " pages, its header announces "
                        + info.pages());
            }
            // the last next() compared the CRC32 (kernel images) or found no unit after the last (Torpor's kind)
            long t0 = System.nanoTime();
            session.finishWriting();
            deviceNanos += System.nanoTime() - t0;
            // checks: headers, swap map and first unit, before the device saw a page; stream: reading, decoding and
            // checking the rest; device: writing it into the snapshot device
            java.util.List<Progress.Phase> phases = new java.util.ArrayList<>(java.util.List.of(
                    new Progress.Phase("checks", Duration.ofNanos(checked - started)),
                    new Progress.Phase("stream", Duration.ofNanos(streamNanos)),
                    new Progress.Phase("device", Duration.ofNanos(deviceNanos))));
            if (stream instanceof SnapshotStream s) {
                // the stream's part, split: reading the area, decoding, the CRC32 (the rest is the code around them)
                SnapshotStream.Timing t = s.timing();
                phases.add(new Progress.Phase("read", Duration.ofNanos(t.readNanos())));
                // a native decoder checksums each unit in the same call: then the CRC32's time is in decoding's
                phases.add(new Progress.Phase(t.crcInDecode() ? "decoding with the crc32" : "decoding",
                        Duration.ofNanos(t.decodeNanos())));
                phases.add(new Progress.Phase(t.crcInDecode() ? "crc32 apart" : "crc32",
                        Duration.ofNanos(t.crcNanos())));
                // the kernel prepares its memory for the image at the first data page: that call can be most of it
                phases.add(new Progress.Phase(String.format("device, first data call, where the kernel prepares its "
                        + "memory (%.3f s of it on this thread's CPU)", feed.firstDataCpuNanos / 1e9),
                        Duration.ofNanos(feed.firstDataNanos)));
                phases.add(new Progress.Phase("read, waiting for the disk", Duration.ofNanos(t.readWaitNanos())));
                if (t.crcInDecode()) {
                    phases.add(new Progress.Phase("of the reading, the swap map's entries",
                            Duration.ofNanos(t.mapNanos())));
                }
            }
            progress.phases(java.util.List.copyOf(phases));
            beforeFreeze.run(session.restoresAtOnce());
            Optional<Boolean> crc = image.kind() == ImageKind.KERNEL
                    && image.signatureFields().map(h -> h.flags().crc32()).orElse(false)
                    ? Optional.of(true) : Optional.empty();
            Verified v = new Verified(image.kind(), pageSize, info.pages(), info, crc);
            session.freezeAndRestore();
            return v;
        } catch (ImageFormatException e) {
            throw e; // the image is damaged: it stays invalidated, and the device is never asked to restore
        } catch (IOException | RuntimeException e) {
            // the kernel short of memory, a device error, a JVM that would not come to rest: the image goes back,
            // for the kernel's own resume (next in the initramfs) or the next boot
            try {
                store.write(header.flip(), resumeOffset * pageSize);
                store.force();
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
                throw new RestoreFailed(false, e);
            }
            throw new RestoreFailed(true, e);
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** Pages a run hands to the device at most: a batch of decoded units, the kernel's UIO_MAXIOV iovecs. */
    private static final int RUN_PAGES = 1024;

    /** Writes the stream's pages into the session as they come, counting them against the header and timing the device. */
    private static final class Feed implements PageRuns.Sink {
        private final ResumeSession session;
        private final long pages;
        private final int pageSize;
        private final Progress progress;
        long written;
        long deviceNanos;
        /**
         * The first hand-over of data pages (after the header page), where the kernel prepares its memory for the whole
         * image, and this thread's CPU in it (only this call's: the thread's CPU clock is a system call, too dear for
         * every call).
         */
        long firstDataNanos;
        long firstDataCpuNanos;

        Feed(ResumeSession session, long pages, int pageSize, Progress progress) {
            this.session = session;
            this.pages = pages;
            this.pageSize = pageSize;
            this.progress = progress;
        }

        void accept(ByteBuffer page) throws IOException {
            room(1);
            long t0 = System.nanoTime();
            session.writePage(page);
            deviceNanos += System.nanoTime() - t0;
            counted(1);
        }

        @Override
        public void accept(ByteBuffer pages, int offset, int n) throws IOException {
            room(n);
            boolean firstData = written == 1;
            long cpu0 = firstData ? THREADS.getCurrentThreadCpuTime() : 0;
            long t0 = System.nanoTime();
            session.writePages(pages, offset, n);
            long took = System.nanoTime() - t0;
            deviceNanos += took;
            if (firstData) {
                firstDataNanos = took;
                // the kernel's work counts as this thread's CPU; time without it went to other threads
                firstDataCpuNanos = THREADS.getCurrentThreadCpuTime() - cpu0;
            }
            counted(n);
        }

        private void room(int n) throws ImageFormatException {
            if (written + n > pages) {
                throw new ImageFormatException(0, "the stream holds more pages than the " + pages
                        + " its header announces");
            }
        }

        private void counted(int n) {
            long before = written;
            written += n;
            if (written / 256 != before / 256 || written == pages) {
                progress.update(written, pages, written * pageSize);
            }
        }
    }

    /** Runs just before the processes are frozen for the restore. */
    @FunctionalInterface
    public interface BeforeFreeze {
        /**
         * @param atOnce nothing of this JVM runs between FREEZE and the restore (the device makes both in one native
         *               call), so its threads need not come to rest first
         */
        void run(boolean atOnce) throws IOException;
    }

    /** The restore failed for a reason that is not the image's; {@link #imageKept()} says whether it was signed again. */
    public static final class RestoreFailed extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean imageKept;

        RestoreFailed(boolean imageKept, Throwable cause) {
            super(cause.getMessage(), cause);
            this.imageKept = imageKept;
        }

        /** Whether the image is in the swap area again, signed as it was. */
        public boolean imageKept() {
            return imageKept;
        }
    }
}
