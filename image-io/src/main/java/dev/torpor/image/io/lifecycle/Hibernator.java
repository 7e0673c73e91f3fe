package dev.torpor.image.io.lifecycle;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.Progress;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.Invalidation;
import dev.torpor.image.io.write.SlotAllocator;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;
import dev.torpor.snapshot.api.session.SuspendSession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Torpor's s2disk, following the order of the kernel's userland interface: set the swap area, freeze, platform
 * support, preferred image size, create the image. When the image was just created it is stored in the swap area
 * (kernel-compatible, or Torpor's encrypted kind) with slots from {@code ALLOC_SWAP_PAGE}, then the machine is
 * turned off. When the same {@code CREATE_IMAGE} call returns in the resumed system, the image is freed and the
 * processes thawed. If the swap area is too small ({@code ENOSPC}) the image is dropped and created again with a
 * smaller preferred size, as the seeds' {@code suspend.c} does. On any other failure whatever was written is
 * invalidated, the image freed, processes thawed, and the failure thrown.
 *
 * <p>Nothing here allocates much or touches files other than the swap area once the image exists, but classes
 * load on first use: callers run a rehearsal first (see {@code torpor hibernate}).
 */
public final class Hibernator {

    /** How to turn the machine off once the image is durable. */
    public enum Shutdown {
        /** {@code reboot(RB_POWER_OFF)}. */
        POWEROFF,
        /** {@code reboot(RB_AUTOBOOT)}. */
        REBOOT,
        /** {@code SNAPSHOT_POWER_OFF} with platform (ACPI S4) support enabled first. */
        PLATFORM,
        /**
         * Suspend-to-both (hybrid sleep): {@code SNAPSHOT_S2RAM} once the image is durable. Woken from RAM, the image
         * is invalidated (the system goes on from memory, so the image must never be resumed) and the system thawed;
         * if suspending fails, the machine is powered off ({@link #POWEROFF}) with the image kept.
         */
        SUSPEND
    }

    /** Turns the machine off; on a real machine it returns only by throwing. */
    @FunctionalInterface
    public interface Power {
        void off(Shutdown how, SuspendSession session) throws IOException;
    }

    /**
     * What to do.
     *
     * @param target       the running kernel's page size, word size and byte order
     * @param swapDevice   {@code dev_t} of the device holding the swap area (new encoding)
     * @param resumeOffset device page of the swap header (0 for a partition, the file's offset for a swap file)
     * @param imageSize    preferred image size in bytes ({@code /sys/power/image_size}); the kernel may go lower
     * @param compressor   none, LZO or LZ4
     * @param threads      compression threads
     * @param shutdown     how to turn the machine off
     * @param key          encrypt into Torpor's own image kind (only {@code torpor resume --key} restores it)
     * @param attempts     how many times to create the image when the swap area is too small
     */
    public record Plan(TargetProfile target, int swapDevice, long resumeOffset, long imageSize, Compressor compressor,
                       int threads, Shutdown shutdown, Optional<KeyMaterial> key, int attempts) {
        public Plan {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(compressor, "compressor");
            Objects.requireNonNull(shutdown, "shutdown");
            Objects.requireNonNull(key, "key");
            if (imageSize < 0) {
                throw new IllegalArgumentException("image size must not be negative");
            }
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be 1..64, not " + threads);
            }
        }

        /**
         * A plan for the swap area on {@code swapDevice} ({@code SnapshotDevice.encodeDev}), with the defaults of
         * the kernel's own hibernation: the header at page 0, the image as small as the kernel can make it, LZO,
         * one thread, power off, no encryption, three attempts.
         */
        public static Builder builder(TargetProfile target, int swapDevice) {
            return new Builder(target, swapDevice);
        }

        /** Builds a {@link Plan}; every setting not given keeps the default {@link #builder} names. */
        public static final class Builder {
            private final TargetProfile target;
            private final int swapDevice;
            private long resumeOffset;
            private long imageSize;
            private Compressor compressor = Compressor.LZO;
            private int threads = 1;
            private Shutdown shutdown = Shutdown.POWEROFF;
            private Optional<KeyMaterial> key = Optional.empty();
            private int attempts = 3;

            private Builder(TargetProfile target, int swapDevice) {
                this.target = Objects.requireNonNull(target, "target");
                this.swapDevice = swapDevice;
            }

            /** Device page of the swap header: 0 for a partition, the file's offset for a swap file. */
            public Builder resumeOffset(long page) {
                this.resumeOffset = page;
                return this;
            }

            /** Preferred image size in bytes, as {@code /sys/power/image_size}; 0 makes it as small as possible. */
            public Builder imageSize(long bytes) {
                this.imageSize = bytes;
                return this;
            }

            public Builder compressor(Compressor c) {
                this.compressor = Objects.requireNonNull(c, "compressor");
                return this;
            }

            /** Compression threads started after the snapshot (the bytes written do not depend on it). */
            public Builder threads(int n) {
                this.threads = n;
                return this;
            }

            public Builder shutdown(Shutdown how) {
                this.shutdown = Objects.requireNonNull(how, "shutdown");
                return this;
            }

            /** Encrypt into Torpor's own image kind with {@code k}; only {@code torpor resume --key} restores it. */
            public Builder encryptWith(KeyMaterial k) {
                this.key = Optional.of(k);
                return this;
            }

            /** Encrypt when {@code k} is present; plain kernel images otherwise. */
            public Builder key(Optional<KeyMaterial> k) {
                this.key = Objects.requireNonNull(k, "key");
                return this;
            }

            /** How many times to create the image when the swap area is too small. */
            public Builder attempts(int n) {
                this.attempts = n;
                return this;
            }

            public Plan build() {
                return new Plan(target, swapDevice, resumeOffset, imageSize, compressor, threads, shutdown, key,
                        attempts);
            }
        }
    }

    /** What the caller is told as the run goes. */
    public interface Listener extends Progress {
        /** The image exists (the kernel's atomic copy); {@code bytes} is its size. Nothing may load from now on. */
        default void imageCreated(int attempt, long bytes) {
        }

        /** The area was too small for the image; it is made again with {@code nextSize} preferred. */
        default void retrying(int attempt, long nextSize, String reason) {
        }

        /** As stream pages are stored (the header page included), with the bytes written to the area so far. */
        @Override
        default void update(long pagesDone, long pagesTotal, long bytesWritten) {
        }

        /** The image is durable and signed; the machine is about to be turned off. */
        default void stored(ImageWriter.Result result, Duration writing) {
        }

        /** Suspend-to-both: suspending to RAM failed; the machine is powered off with the image kept. */
        default void suspendFailed(String reason) {
        }

        /**
         * Asked every {@value #STOP_CHECK_PAGES} pages while the image is stored: a reason (a signal, say) stops the
         * run before the image is signed ({@link Cancelled}). Must not allocate: the collector is frozen.
         */
        default Optional<String> stopRequested() {
            return Optional.empty();
        }
    }

    /** How often {@link Listener#stopRequested()} is asked, in pages read from the snapshot. */
    public static final int STOP_CHECK_PAGES = 256;

    /**
     * The run was stopped on request ({@link Listener#stopRequested()}) before the image was signed: whatever was
     * written is invalidated, the system thawed.
     */
    public static final class Cancelled extends IOException {
        private static final long serialVersionUID = 1L;

        public Cancelled(String reason) {
            super(reason);
        }
    }

    /**
     * The run ended in the resumed system.
     *
     * @param written  what was stored before the machine went off, where this process knows it: empty on a real
     *                 machine, whose memory was snapshot before the image was written (the emulator and
     *                 suspend-to-both, woken from RAM, know it)
     * @param writing  how long storing took
     * @param away     wall-clock time between the image's creation and the return in the resumed system
     * @param attempts images created (more than one after ENOSPC retries)
     * @param sizes    the preferred image size of each attempt
     * @param fromRam  suspend-to-both, woken from RAM: the image was invalidated, nothing was restored
     */
    public record Resumed(Optional<ImageWriter.Result> written, Duration writing, Duration away, int attempts,
                          List<Long> sizes, boolean fromRam) {
    }

    private Hibernator() {
    }

    /**
     * Runs the whole sequence on {@code device} (opened read-only) storing into {@code area}. Returns in the resumed
     * system; throws if the machine could not be hibernated, with the swap area a plain swap area again.
     */
    public static Resumed hibernate(SnapshotDevice device, SwapArea area, Plan plan, Power power, Listener listener)
            throws IOException {
        int page = plan.target().pageSize();
        SuspendSession session = new SuspendSession(device, page);
        session.setSwapArea(plan.resumeOffset(), plan.swapDevice());
        session.freeze();
        List<Long> sizes = new ArrayList<>();
        long[] allocated = new long[1];
        long size = plan.imageSize();
        boolean mayHaveWritten = false;
        try {
            if (plan.shutdown() == Shutdown.PLATFORM) {
                session.platformSupport(true);
            }
            for (int attempt = 1; ; attempt++) {
                sizes.add(size);
                session.prefImageSize(size);
                long created = System.currentTimeMillis();
                if (session.createImage() == SuspendSession.Outcome.RESUMED) {
                    // this is the resumed system, returning from the call of the hibernated one: unreachable on
                    // the first pass, since the kernel resumes into the process image taken below
                    return resumed(session, null, Duration.ZERO, created, attempt, sizes, false);
                }
                long bytes = session.imageSize();
                listener.imageCreated(attempt, bytes);
                long start = System.nanoTime();
                ImageWriter.Result result;
                try {
                    mayHaveWritten = true;
                    result = store(session, area, plan, listener, allocated);
                } catch (SlotAllocator.NoSpaceException e) {
                    if (attempt >= plan.attempts()) {
                        throw new ErrnoException("ALLOC_SWAP_PAGE", Errno.ENOSPC.value(), "the swap area had "
                                + allocated[0] + " free pages (" + allocated[0] * area.pageSize() + " bytes) of its "
                                + area.header().lastPage() + ", no room for the image of " + bytes + " bytes (before "
                                + "compression), after " + attempt + " attempts with smaller images; give a larger "
                                + "swap area or free some of it (swapoff, then swapon)");
                    }
                    session.free();
                    session.freeSwapPages();
                    long next = Math.max(0, Math.min(size, bytes) / 2);
                    listener.retrying(attempt, next, e.getMessage());
                    size = next;
                    continue;
                }
                Duration writing = Duration.ofNanos(System.nanoTime() - start);
                listener.stored(result, writing);
                if (plan.shutdown() == Shutdown.SUSPEND) {
                    try {
                        session.s2ram();
                        // woken from RAM: the system goes on from memory, and its image must never be resumed
                        Invalidation.invalidate(area.store(), area.resumeOffset());
                        return resumed(session, result, writing, created, attempt, sizes, true);
                    } catch (ErrnoException e) {
                        listener.suspendFailed(e.getMessage());
                        power.off(Shutdown.POWEROFF, session);
                    }
                } else {
                    power.off(plan.shutdown(), session);
                }
                // an emulated machine comes back here after its restore; a real one resumes inside createImage()
                session.resumedFromCreateImage();
                return resumed(session, result, writing, created, attempt, sizes, false);
            }
        } catch (IOException | RuntimeException e) {
            cleanUp(session, area, mayHaveWritten, e);
            throw e;
        }
    }

    private static Resumed resumed(SuspendSession session, ImageWriter.Result written, Duration writing, long created,
                                   int attempts, List<Long> sizes, boolean fromRam) throws ErrnoException {
        session.free();
        session.freeSwapPages();
        session.unfreeze();
        return new Resumed(Optional.ofNullable(written), writing, Duration.ofMillis(System.currentTimeMillis() - created),
                attempts,
                List.copyOf(sizes), fromRam);
    }

    private static ImageWriter.Result store(SuspendSession session, SwapArea area, Plan plan, Listener listener,
                                            long[] allocated) throws IOException {
        int page = plan.target().pageSize();
        ByteBuffer reused = ByteBuffer.allocate(page);
        allocated[0] = 0;
        SlotAllocator slots = () -> {
            try {
                long slot = session.allocSwapPage() / page;
                allocated[0]++;
                return slot;
            } catch (ErrnoException e) {
                if (e.errno() == Errno.ENOSPC.value()) {
                    throw new SlotAllocator.NoSpaceException("ALLOC_SWAP_PAGE: no free swap page left (ENOSPC)");
                }
                throw e;
            }
        };
        dev.torpor.image.io.read.BatchedPageSource source = new dev.torpor.image.io.read.BatchedPageSource() {
            private long read;
            private long nextStopCheck;

            @Override
            public ByteBuffer next() throws IOException {
                checkStop(1);
                return session.readPage(reused);
            }

            @Override
            public int nextPages(byte[] dst, int offset, int pages) throws IOException {
                checkStop(pages);
                return session.readPages(dst, offset, pages);
            }

            /** Asks the listener whether to stop each STOP_CHECK_PAGES pages, before the pages that cross it. */
            private void checkStop(int pages) throws Cancelled {
                if (read >= nextStopCheck) {
                    nextStopCheck = read + STOP_CHECK_PAGES;
                    Optional<String> stop = listener.stopRequested();
                    if (stop.isPresent()) {
                        throw new Cancelled(stop.get());
                    }
                }
                read += pages;
            }
        };
        ImageWriter.Options options = ImageWriter.Options.defaults().withCompressor(plan.compressor())
                .withThreads(plan.threads()).withProgress(listener);
        if (plan.shutdown() == Shutdown.PLATFORM) {
            options = options.withPlatformMode(true);
        }
        if (plan.key().isPresent()) {
            options = options.withEncryption(plan.key().get());
        }
        return ImageWriter.write(source, plan.target(), area, slots, options);
    }

    /** After a failure: no signature may stay over data the kernel would trust; thaw the machine. */
    private static void cleanUp(SuspendSession session, SwapArea area, boolean mayHaveWritten, Exception cause) {
        if (mayHaveWritten) {
            try {
                Invalidation.invalidate(area.store(), area.resumeOffset());
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        try {
            if (session.state() == SuspendSession.State.IMAGE_CREATED || session.state() == SuspendSession.State.RESUMED
                    || session.state() == SuspendSession.State.POWERED_OFF) {
                session.free();
            }
            if (session.state() == SuspendSession.State.FROZEN) {
                session.unfreeze();
            }
        } catch (ErrnoException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
