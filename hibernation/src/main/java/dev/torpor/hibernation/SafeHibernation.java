package dev.torpor.hibernation;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.image.io.lifecycle.Hibernator;
import dev.torpor.image.io.lifecycle.Rehearsal;
import dev.torpor.platform.linux.FileDevices;
import dev.torpor.platform.linux.JvmQuiescence;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.platform.linux.LinuxSnapshotDevice;
import dev.torpor.platform.linux.LinuxSystem;
import dev.torpor.platform.linux.MemoryMap;
import dev.torpor.platform.linux.Writeback;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.emulator.KernelProfile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Hibernates this machine from a JVM, safely, in one call: what {@code torpor hibernate} does, for any program.
 *
 * <p>The kernel freezes every thread but the caller and snapshots memory as it is, the JVM's own threads included. So,
 * before the freeze: the young generation is checked against the largest image of the machine (a collection while
 * frozen would hang it); the device calls and the whole sequence are rehearsed against the emulator until their
 * speed converges, so that everything the post-snapshot path needs is loaded and compiled; the JIT is stopped; the
 * process is locked in memory; the swap area is opened and checked; and the JVM is brought to rest. Then
 * {@link Hibernator} freezes, stores the image and turns the machine off. The call returns in the resumed system,
 * thawed, with the JIT running again and the memory unlocked.
 *
 * <p>Needs root ({@code CAP_SYS_ADMIN}, {@code CAP_SYS_BOOT}, {@code CAP_IPC_LOCK}) and the JVM options of
 * {@code /usr/share/torpor/jvm.options} (a small fixed heap, the serial collector, no speculative JIT).
 */
public final class SafeHibernation {
    private SafeHibernation() {
    }

    /**
     * How a hibernation went, in the resumed system.
     *
     * @param steps   what was done before the freeze
     * @param resumed what the hibernator reports: the image written, how long the machine was away
     */
    public record Report(List<Step> steps, Hibernator.Resumed resumed) {
        public Report {
            steps = List.copyOf(steps);
        }
    }

    /**
     * Hibernates and returns in the resumed system.
     *
     * @throws HibernationRefused  nothing was frozen: this JVM or machine cannot hibernate now (the message says why)
     * @throws Hibernator.Cancelled {@link HibernationListener#stopRequested()} stopped the run before the image was
     *                             signed; the swap area holds no image, the system is thawed
     * @throws IOException         hibernation failed; the swap area holds no image, the system is thawed
     */
    public static Report hibernate(HibernationOptions options, HibernationListener listener) throws IOException {
        List<Step> steps = new ArrayList<>();
        if (options.compressor() == Compressor.LZO) {
            NativeCodecs.install();
        }
        HibernationListener told = new HibernationListener() {
            @Override
            public void step(Step step) {
                steps.add(step);
                listener.step(step);
            }
        };
        LinuxFacts facts = LinuxFacts.system();
        LinuxSystem system = LinuxSystem.local();
        Utsname uname = system.uname();
        TargetProfile target = options.target().isPresent() ? options.target().get()
                : RunningKernel.target(uname, facts);
        long size = options.imageSize().orElse(facts.imageSize().orElse(0));
        Path dev = options.device();
        long offset = options.resumeOffset();
        checkHeap(options, target, facts, told);
        LinuxFacts.DeviceNumber number = FileDevices.numberOf(dev);
        Hibernator.Plan plan = Hibernator.Plan.builder(target, SnapshotDevice.encodeDev(number.major(), number.minor()))
                .resumeOffset(offset).imageSize(size).compressor(options.compressor()).threads(options.threads())
                .shutdown(options.shutdown()).key(options.key()).attempts(options.attempts()).build();

        // the device calls on harmless nodes, often enough that the per-page ones are compiled during the warm-up
        told.step(new Step.DeviceCallsRehearsed(LinuxSnapshotDevice.rehearse(Path.of("/dev/zero"),
                Path.of("/dev/null"), options.rehearsedReads())));
        Step.Rehearsed warm = warmUp(plan, RunningKernel.emulated(uname.release()), options, listener.forRehearsal());
        told.step(warm);
        // from here on nothing is compiled: the code the rehearsals compiled is the code that runs after the snapshot
        JvmQuiescence.Stopped jit = JvmQuiescence.stopCompilation(options.scratch());
        try {
            int rebootErrno = system.rehearseReboot();
            if (rebootErrno != 22) {
                throw new HibernationRefused("reboot(2) with an unknown command gave errno " + rebootErrno
                        + " instead of EINVAL: this process may not power off (CAP_SYS_BOOT)");
            }
            // every page it has, and every page it touches from now on; programs and libraries in full
            List<MemoryMap.Mapping> notPrefaulted = system.lockMemoryAsUsed(m -> m.path().endsWith("/lib/modules"));
            try {
                told.step(new Step.Locked(RunningKernel.statusKib("VmRSS:"),
                        notPrefaulted.stream().map(m -> Path.of(m.path())).toList()));
                Hibernator.Resumed r = store(options, listener, told, facts, system, target, plan, size, jit);
                return new Report(steps, r);
            } finally {
                system.unlockAllMemory();
            }
        } finally {
            JvmQuiescence.resumeCompilation(jit);
        }
    }

    /**
     * Brings the JVM to rest before {@code FREEZE} and the atomic restore of a resume, as before a hibernation: the
     * freezer stops this JVM's threads wherever they are, and the calls left must not wait for a lock that a frozen
     * compiler thread holds. Stops the JIT for the rest of the process: call it only in a process that ends with the
     * restore (an initramfs's resume).
     *
     * @throws IOException the JIT did not go idle within {@code limit}: do not freeze
     */
    public static JvmQuiescence.Report settleForRestore(Path scratch, Duration limit) throws IOException {
        return settleForRestore(JvmQuiescence.stopCompilation(scratch), limit);
    }

    /** As {@link #settleForRestore(Path, Duration)}, with the JIT already stopped by the caller. */
    static JvmQuiescence.Report settleForRestore(JvmQuiescence.Stopped jit, Duration limit) throws IOException {
        JvmQuiescence.Report rest = settle(jit, limit);
        if (!rest.compilerIdle()) {
            throw new IOException("the JIT compiler did not go idle within " + limit.toSeconds() + " s: not freezing "
                    + "for the restore");
        }
        return rest;
    }

    /** {@link JvmQuiescence#settle}, with an interruption as the I/O failure it is here. */
    private static JvmQuiescence.Report settle(JvmQuiescence.Stopped jit, Duration limit) throws IOException {
        try {
            return JvmQuiescence.settle(jit, limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the JVM came to rest");
        }
    }

    private static void checkHeap(HibernationOptions options, TargetProfile target, LinuxFacts facts,
                                  HibernationListener told) throws IOException {
        // the collector freezes with the system: what storing the largest image allocates must fit the young generation
        OptionalLong eden = HibernationHeap.edenBytes();
        long memTotal = facts.memInfo().getOrDefault("MemTotal", -1L) * 1024;
        if (eden.isPresent() && memTotal > 0) {
            long fixed = ImageWriter.memoryBound(ImageWriter.Options.defaults().withCompressor(options.compressor())
                    .withThreads(options.threads()), target) + (1L << 20);
            told.step(new Step.HeapChecked(true, HibernationHeap.check(eden.getAsLong(), memTotal, target.pageSize(),
                    options.threads(), options.key().isPresent(), fixed)));
        } else {
            told.step(new Step.HeapChecked(false, "heap: the eden size or the machine's MemTotal is unknown; not "
                    + "checked against the image"));
        }
    }

    /** The part that writes: the swap area opened and checked, the JVM at rest, then the hibernator. */
    private static Hibernator.Resumed store(HibernationOptions options, HibernationListener listener,
                                            HibernationListener told, LinuxFacts facts, LinuxSystem system,
                                            TargetProfile target, Hibernator.Plan plan, long size,
                                            JvmQuiescence.Stopped jit) throws IOException {
        Path dev = options.device();
        long offset = options.resumeOffset();
        system.syncFileSystems();
        try (FileChannel ch = FileChannel.open(dev, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Writeback writeback = Writeback.open(dev);
             DirectWrites direct = DirectWrites.open(PageStore.of(ch), dev, target.pageSize());
             LinuxSnapshotDevice snapshot = LinuxSnapshotDevice.open(options.snapshotDevice(),
                     SnapshotDevice.Mode.HIBERNATE)) {
            // the disk writes each 8 MB while the next is compressed (the kernel keeps its bios in flight too)
            PageStore.Writeback async = new PageStore.Writeback() {
                @Override
                public void start(long position, long length) throws IOException {
                    writeback.start(position, length);
                }

                @Override
                public void await(long position, long length) throws IOException {
                    writeback.await(position, length);
                }
            };
            async.start(0, target.pageSize()); // once now: nothing may load after the freeze
            async.await(0, target.pageSize());
            PageStore store = listener.storing(PageStore.writingBackEvery(direct, Rehearsal.SYNC_BYTES, async),
                    offset * target.pageSize());
            // the kernel lets nobody write an active swap area but the one set through /dev/snapshot (ETXTBSY), so
            // it is set before an old signature may be reset (the hibernator sets it again)
            snapshot.setSwapArea(offset, plan.swapDevice());
            SwapArea area = ActiveArea.open(store, dev, offset, target.pageSize(), target.byteOrder(), facts.swaps(),
                    told);
            direct.rehearse(offset);
            // if/else, not a switch: a switch on an enum loads a synthetic class on first use, after the snapshot
            Hibernator.Power power = (off, session) -> {
                listener.poweringOff();
                if (off == Hibernator.Shutdown.PLATFORM) {
                    session.powerOff();
                    throw new IOException("SNAPSHOT_POWER_OFF returned: the platform did not power off");
                } else if (off == Hibernator.Shutdown.REBOOT) {
                    system.reboot();
                } else {
                    system.powerOff();
                }
                throw new IOException("reboot(2) returned");
            };
            // an empty young generation, and every other JVM thread waiting, holding no lock: they freeze as they are
            JvmQuiescence.Report rest = settle(jit, options.settleTimeout());
            told.step(new Step.AtRest(rest, RunningKernel.statusKib("VmRSS:")));
            if (!rest.compilerIdle()) {
                throw new IOException("the JIT compiler did not go idle within " + options.settleTimeout().toSeconds()
                        + " s: not freezing, since a compiler thread frozen in the middle of a compilation can hang "
                        + "the snapshot");
            }
            told.step(new Step.Freezing(options, size));
            return Hibernator.hibernate(snapshot, area, plan, power, listener);
        }
    }

    /**
     * Rehearses until a rehearsal's time has stopped improving (four in a row not 10% faster than the best, at least
     * six in all; at most {@code warmUpLimit}), so that the hot code of the post-snapshot path (compression, CRC32,
     * page copies) is compiled before the JIT's threads are frozen with everything else. The JIT never goes fully
     * idle: rarely used methods keep crossing their thresholds, so waiting for an idle compiler ran into the limit in
     * every guest.
     */
    private static Step.Rehearsed warmUp(Hibernator.Plan plan, KernelProfile kernel, HibernationOptions options,
                                         HibernationListener quiet) throws IOException {
        long start = System.nanoTime();
        long deadline = start + options.warmUpLimit().toNanos();
        Rehearsal.Report first = null;
        long best = Long.MAX_VALUE;
        int stale = 0;
        int runs = 0;
        while (System.nanoTime() < deadline && (runs < 6 || stale < 4)) {
            long t = System.nanoTime();
            Rehearsal.Report r = Rehearsal.run(plan, kernel, 2048, options.scratch(), quiet);
            t = System.nanoTime() - t;
            runs++;
            if (first == null) {
                first = r;
                if (!r.memoryIntact()) {
                    throw new HibernationRefused("the rehearsal did not restore the emulated memory; not hibernating");
                }
            }
            stale = t < best - best / 10 ? 0 : stale + 1;
            best = Math.min(best, t);
            try {
                Thread.sleep(300); // the JIT's threads get the CPU (a guest may have only one)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while rehearsing");
            }
        }
        return new Step.Rehearsed(first.savedPages(), runs, Duration.ofNanos(System.nanoTime() - start),
                runs >= 6 && stale >= 4, JitFlags.speculationOff());
    }
}
