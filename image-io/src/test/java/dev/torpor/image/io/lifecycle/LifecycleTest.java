package dev.torpor.image.io.lifecycle;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.write.Invalidation;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;
import dev.torpor.snapshot.api.emulator.EmulatedMachine;
import dev.torpor.snapshot.api.emulator.EmulatedMemory;
import dev.torpor.snapshot.api.emulator.EmulatedSnapshotDevice;
import dev.torpor.snapshot.api.emulator.EmulatedSwap;
import dev.torpor.snapshot.api.emulator.KernelProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hibernator, Resumer and the rehearsal against the emulator: success, ENOSPC retries, and every failure path. */
class LifecycleTest {
    private static final int P = 4096;
    private static final int DEV = SnapshotDevice.encodeDev(254, 16);

    @TempDir
    Path tmp;

    static Stream<Arguments> variants() {
        return Stream.of(Arguments.of(KernelProfile.linux(6, 1), Compressor.LZO, Hibernator.Shutdown.POWEROFF, false),
                Arguments.of(KernelProfile.linux(6, 1), Compressor.NONE, Hibernator.Shutdown.PLATFORM, false),
                Arguments.of(KernelProfile.linux(6, 12), Compressor.LZ4, Hibernator.Shutdown.REBOOT, false),
                Arguments.of(KernelProfile.linux(6, 12).withTrailingZeroDrain(), Compressor.LZO,
                        Hibernator.Shutdown.POWEROFF, true));
    }

    private static Hibernator.Plan plan(KernelProfile k, Compressor c, Hibernator.Shutdown s, Optional<KeyMaterial> key,
                                        long imageSize, int attempts) {
        return Hibernator.Plan.builder(k.target(), DEV).imageSize(imageSize).compressor(c).threads(2).shutdown(s)
                .key(key).attempts(attempts).build();
    }

    @ParameterizedTest(name = "{0} {1} {2} encrypted={3}")
    @MethodSource("variants")
    void rehearsalHibernatesAndRestoresTheEmulatedMachine(KernelProfile k, Compressor c, Hibernator.Shutdown s,
                                                          boolean encrypted) throws Exception {
        Optional<KeyMaterial> key = encrypted ? Optional.of(KeyMaterial.rawKey(new byte[32])) : Optional.empty();
        List<String> events = new ArrayList<>();
        Rehearsal.Report r = Rehearsal.run(plan(k, c, s, key, 1L << 30, 3), k, 4096, tmp, new Hibernator.Listener() {
            @Override
            public void imageCreated(int attempt, long bytes) {
                events.add("created " + attempt);
            }

            @Override
            public void stored(dev.torpor.image.io.write.ImageWriter.Result result, java.time.Duration writing) {
                events.add("stored " + result.pages());
            }
        });
        assertThat(r.memoryIntact()).isTrue();
        assertThat(r.savedPages()).isGreaterThan(1000);
        assertThat(r.hibernated().attempts()).isEqualTo(1);
        assertThat(r.restored().kind()).isEqualTo(encrypted ? ImageKind.TORPOR : ImageKind.KERNEL);
        assertThat(r.hibernated().written().orElseThrow().pages()).isEqualTo(r.restored().pages());
        assertThat(events).containsExactly("created 1", "stored " + r.restored().pages());
        assertThat(r.swapFile()).doesNotExist();
    }

    /**
     * Hibernating to a public key, the rehearsal cannot open what it wrote with that key (nothing on the machine can):
     * it encrypts to a key pair of its own, through the same path, and the emulated machine comes back intact. (A
     * Debian guest found the rehearsal refusing every public-key hibernation before this.)
     */
    @Test
    void aPublicKeyRehearsalEncryptsToAKeyOfItsOwn() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 1);
        byte[] elsewhere = dev.torpor.image.io.encrypted.X25519.newPrivateKey(new java.security.SecureRandom());
        Optional<KeyMaterial> key = Optional.of(KeyMaterial.recipient(new dev.torpor.image.io.encrypted.PublicKeyFile(
                dev.torpor.image.io.encrypted.X25519.publicKey(elsewhere))));
        Rehearsal.Report r = Rehearsal.run(plan(k, Compressor.LZO, Hibernator.Shutdown.POWEROFF, key, 1L << 30, 3), k,
                4096, tmp, new Hibernator.Listener() { });
        assertThat(r.memoryIntact()).isTrue();
        assertThat(r.restored().kind()).isEqualTo(ImageKind.TORPOR);
    }

    /** A real swap area file plus an emulated machine whose emulated swap has {@code slots} usable pages. */
    private record Rig(EmulatedMachine machine, Path file, FileChannel ch, SwapArea area) {
    }

    private Rig rig(KernelProfile k, long areaPages, long emulatedLastPage) throws IOException {
        EmulatedMemory memory = new EmulatedMemory(P, 8192).fillSynthetic(7, 3000, 2000);
        EmulatedMachine m = new EmulatedMachine(k, memory).addSwap(new EmulatedSwap(DEV, 0, emulatedLastPage, Set.of()));
        Path f = tmp.resolve("area-" + UUID.randomUUID() + ".swap");
        Files.createFile(f);
        FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
        SwapArea.format(PageStore.of(ch), 0, P, KernelByteOrder.LITTLE, areaPages, UUID.randomUUID(), "t");
        return new Rig(m, f, ch, SwapArea.open(PageStore.of(ch), 0, P, KernelByteOrder.LITTLE));
    }

    @Test
    void suspendToBothWokenFromRamInvalidatesTheImageAndThaws() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 12);
        Rig rig = rig(k, 8192, 8191);
        Map<Long, byte[]> before = rig.machine().memory().snapshotOfSavedPages();
        List<String> powered = new ArrayList<>();
        EmulatedSnapshotDevice device = rig.machine().open(SnapshotDevice.Mode.HIBERNATE);
        Hibernator.Resumed r = Hibernator.hibernate(device, rig.area(),
                plan(k, Compressor.LZO, Hibernator.Shutdown.SUSPEND, Optional.empty(), 8192L * P, 1),
                (how, session) -> powered.add(how.name()), new Hibernator.Listener() { });
        assertThat(r.fromRam()).isTrue();
        assertThat(r.written().orElseThrow().pages()).isPositive();
        assertThat(powered).as("woken from RAM, nothing powers off").isEmpty();
        try (HibernationImage image = HibernationImage.open(rig.file(), ReadOptions.defaults())) {
            assertThat(image.kind()).as("the image was invalidated").isEqualTo(ImageKind.NONE);
        }
        assertThat(rig.machine().memory().snapshotOfSavedPages()).containsOnlyKeys(before.keySet());
        assertThat(device.frozen()).as("thawed").isFalse();
        assertThat(device.ready()).as("no image left in the kernel").isFalse();
    }

    @Test
    void suspendToBothThatCannotSuspendPowersOffWithTheImageKept() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 12);
        Rig rig = rig(k, 8192, 8191);
        SnapshotDevice real = rig.machine().open(SnapshotDevice.Mode.HIBERNATE);
        SnapshotDevice noS3 = (SnapshotDevice) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SnapshotDevice.class}, (proxy, method, args) -> {
                    if (method.getName().equals("s2ram")) {
                        throw new ErrnoException("S2RAM", 16, "suspend to RAM failed (EBUSY)");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        List<String> events = new ArrayList<>();
        boolean[] imageKept = new boolean[1];
        Hibernator.Power power = (how, session) -> {
            events.add("power " + how);
            try (HibernationImage image = HibernationImage.open(rig.file(), ReadOptions.defaults())) {
                imageKept[0] = image.kind() == ImageKind.KERNEL && image.inspect(false).verdict()
                        == dev.torpor.image.io.read.Verdict.VALID;
            }
            rig.machine().halt();
            rig.machine().boot();
            try (HibernationImage image = HibernationImage.open(rig.file(), ReadOptions.defaults())) {
                Resumer.resume(image, PageStore.of(rig.ch()), 0, rig.machine().open(SnapshotDevice.Mode.RESTORE),
                        Optional.empty(), Resumer.RunningKernel.unknown(), dev.torpor.image.io.Progress.NONE);
            }
        };
        Hibernator.Resumed r = Hibernator.hibernate(noS3, rig.area(),
                plan(k, Compressor.LZ4, Hibernator.Shutdown.SUSPEND, Optional.empty(), 8192L * P, 1), power,
                new Hibernator.Listener() {
                    @Override
                    public void suspendFailed(String reason) {
                        events.add("suspend failed: " + reason);
                    }
                });
        assertThat(events).containsExactly("suspend failed: S2RAM failed with EBUSY: suspend to RAM failed (EBUSY)",
                "power POWEROFF");
        assertThat(imageKept[0]).as("a valid image when the machine went off").isTrue();
        assertThat(r.fromRam()).isFalse();
    }

    @Test
    void enospcMakesASmallerImageAndTriesAgain() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 1);
        // 3000 used pages do not fit uncompressed into 2500 slots; the kernel's smaller image (reclaimable pages
        // dropped, used ones kept) does after the preferred size shrinks
        Rig rig = rig(k, 8192, 3200);
        List<Long> retries = new ArrayList<>();
        Hibernator.Power power = (how, session) -> {
            rig.machine().halt();
            rig.machine().boot();
            try (HibernationImage image = HibernationImage.open(rig.file(), ReadOptions.defaults())) {
                Resumer.resume(image, PageStore.of(rig.ch()), 0, rig.machine().open(SnapshotDevice.Mode.RESTORE),
                        Optional.empty(), Resumer.RunningKernel.unknown(), dev.torpor.image.io.Progress.NONE);
            }
        };
        Hibernator.Resumed r = Hibernator.hibernate(rig.machine().open(SnapshotDevice.Mode.HIBERNATE), rig.area(),
                plan(k, Compressor.NONE, Hibernator.Shutdown.POWEROFF, Optional.empty(), 8192L * P, 4), power,
                new Hibernator.Listener() {
                    @Override
                    public void retrying(int attempt, long nextSize, String reason) {
                        retries.add(nextSize);
                    }
                });
        assertThat(r.attempts()).isGreaterThan(1);
        assertThat(retries).hasSize(r.attempts() - 1);
        assertThat(r.sizes()).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(Invalidation.invalidate(PageStore.of(rig.ch()), 0).outcome())
                .as("the resumer reset the signature").isEqualTo(Invalidation.Outcome.ALREADY_PLAIN);
    }

    /**
     * A restore that fails for a reason that is not the image's (here the JVM would not come to rest; in a guest, the
     * kernel short of memory) signs the verified image again, and a second restore of it succeeds.
     */
    @Test
    void aRestoreThatFailsNotForTheImageKeepsTheImage() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 12);
        Rig rig = rig(k, 8192, 3200);
        List<String> seen = new ArrayList<>();
        Hibernator.Power power = (how, session) -> {
            rig.machine().halt();
            rig.machine().boot();
            try (HibernationImage image = HibernationImage.open(rig.file(), ReadOptions.defaults())) {
                try (SnapshotDevice restore = rig.machine().open(SnapshotDevice.Mode.RESTORE)) {
                    assertThatThrownBy(() -> Resumer.resume(image, PageStore.of(rig.ch()), 0, restore,
                            Optional.empty(), Resumer.RunningKernel.unknown(), dev.torpor.image.io.Progress.NONE, atOnce -> {
                                throw new IOException("the JIT did not go idle");
                            })).isInstanceOf(Resumer.RestoreFailed.class).hasMessage("the JIT did not go idle")
                            .matches(e -> ((Resumer.RestoreFailed) e).imageKept());
                }
            }
            try (HibernationImage again = HibernationImage.open(rig.file(), ReadOptions.defaults())) {
                seen.add("after the failure: " + again.inspect(false).verdict());
                dev.torpor.snapshot.api.emulator.EmulatedSnapshotDevice restore =
                        (dev.torpor.snapshot.api.emulator.EmulatedSnapshotDevice) rig.machine()
                                .open(SnapshotDevice.Mode.RESTORE);
                Resumer.resume(again, PageStore.of(rig.ch()), 0, restore, Optional.empty(),
                        Resumer.RunningKernel.unknown(), dev.torpor.image.io.Progress.NONE, atOnce -> seen.add("second restore reached FREEZE"));
            }
        };
        Hibernator.hibernate(rig.machine().open(SnapshotDevice.Mode.HIBERNATE), rig.area(),
                plan(k, Compressor.LZO, Hibernator.Shutdown.POWEROFF, Optional.empty(), 0, 1), power,
                new Hibernator.Listener() { });
        assertThat(seen).containsExactly("after the failure: VALID", "second restore reached FREEZE");
    }

    /** The hook a JVM uses to come to rest runs once, after the stream is written and before FREEZE. */
    @Test
    void theRestoreCallsItsHookBeforeFreezing() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 12);
        Rig rig = rig(k, 8192, 3200);
        List<String> seen = new ArrayList<>();
        Hibernator.Power power = (how, session) -> {
            rig.machine().halt();
            rig.machine().boot();
            try (HibernationImage image = HibernationImage.open(rig.file(), ReadOptions.defaults())) {
                dev.torpor.snapshot.api.emulator.EmulatedSnapshotDevice restore =
                        (dev.torpor.snapshot.api.emulator.EmulatedSnapshotDevice) rig.machine()
                                .open(SnapshotDevice.Mode.RESTORE);
                long[] written = new long[2];
                long pages = image.info().orElseThrow().pages();
                Resumer.resume(image, PageStore.of(rig.ch()), 0, restore, Optional.empty(),
                        Resumer.RunningKernel.unknown(), new dev.torpor.image.io.Progress() {
                            @Override
                            public void update(long done, long total, long bytes) {
                                written[0] = done;
                            }

                            @Override
                            public void phases(List<dev.torpor.image.io.Progress.Phase> phases) {
                                seen.add("phases " + phases.stream().limit(6)
                                        .map(dev.torpor.image.io.Progress.Phase::name).toList());
                                seen.add("slowest " + phases.get(6).name().matches(
                                        "device, first data call, where the kernel prepares its memory \\([0-9.]+ s of it on this thread's CPU\\)")
                                        + " " + (phases.get(6).took().compareTo(phases.get(2).took()) <= 0));
                                // the stream's part is read, decode and crc32 and the code around them
                                java.time.Duration parts = phases.get(3).took().plus(phases.get(4).took())
                                        .plus(phases.get(5).took());
                                seen.add("parts within the stream " + (parts.compareTo(phases.get(1).took()) <= 0
                                        && phases.stream().noneMatch(p -> p.took().isNegative())));
                            }
                        },
                        atOnce -> seen.add("hook frozen=" + restore.frozen() + " at once=" + atOnce
                                + " all written=" + (written[0] == pages)
                                + " in the device=" + (restore.bytesWritten() == pages * P)));
            }
        };
        Hibernator.hibernate(rig.machine().open(SnapshotDevice.Mode.HIBERNATE), rig.area(),
                plan(k, Compressor.LZO, Hibernator.Shutdown.POWEROFF, Optional.empty(), 0, 1), power,
                new Hibernator.Listener() { });
        assertThat(seen).containsExactly("phases [checks, stream, device, read, decoding, crc32]",
                "slowest true true", "parts within the stream true",
                "hook frozen=false at once=false all written=true in the device=true");
    }

    @Test
    void whenNothingFitsTheAreaStaysPlainAndTheMachineIsThawed() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 1);
        Rig rig = rig(k, 8192, 40);
        EmulatedSnapshotDevice dev = rig.machine().open(SnapshotDevice.Mode.HIBERNATE);
        assertThatThrownBy(() -> Hibernator.hibernate(dev, rig.area(),
                plan(k, Compressor.LZO, Hibernator.Shutdown.POWEROFF, Optional.empty(), 8192L * P, 2),
                (how, s) -> { throw new AssertionError("must not power off"); }, new Hibernator.Listener() { }))
                .isInstanceOf(ErrnoException.class).hasMessageContaining("ENOSPC").hasMessageContaining("2 attempts")
                .hasMessageMatching("(?s).*the swap area had [0-9]+ free pages \\([0-9]+ bytes\\) of its 8191, no room "
                        + "for the image of [1-9][0-9]* bytes.*");
        assertThat(Invalidation.invalidate(PageStore.of(rig.ch()), 0).outcome()).isEqualTo(Invalidation.Outcome.ALREADY_PLAIN);
        assertThat(dev.frozen()).isFalse();
    }

    @ParameterizedTest(name = "encrypted {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aStopRequestedWhileStoringLeavesNoImageAndThaws(boolean encrypted) throws Exception {
        KernelProfile k = KernelProfile.linux(6, 12);
        Rig rig = rig(k, 16384, 16383);
        EmulatedSnapshotDevice dev = rig.machine().open(SnapshotDevice.Mode.HIBERNATE);
        int[] asked = {0};
        Optional<KeyMaterial> key = encrypted ? Optional.of(KeyMaterial.rawKey(new byte[32])) : Optional.empty();
        assertThatThrownBy(() -> Hibernator.hibernate(dev, rig.area(),
                plan(k, Compressor.LZ4, Hibernator.Shutdown.POWEROFF, key, 8192L * P, 1),
                (how, s) -> { throw new AssertionError("must not power off"); }, new Hibernator.Listener() {
                    @Override
                    public Optional<String> stopRequested() {
                        // the third time: pages are already in the area by then
                        return ++asked[0] == 3 ? Optional.of("SIGTERM") : Optional.empty();
                    }
                })).isInstanceOf(Hibernator.Cancelled.class).hasMessage("SIGTERM");
        assertThat(asked[0]).isEqualTo(3);
        assertThat(Invalidation.invalidate(PageStore.of(rig.ch()), 0).outcome())
                .as("never signed").isEqualTo(Invalidation.Outcome.ALREADY_PLAIN);
        assertThat(dev.frozen()).isFalse();
        assertThat(rig.machine().poweredOff()).isFalse();
    }

    @Test
    void aFailedPowerOffInvalidatesTheSignedImage() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 12);
        Rig rig = rig(k, 16384, 16383);
        EmulatedSnapshotDevice dev = rig.machine().open(SnapshotDevice.Mode.HIBERNATE);
        assertThatThrownBy(() -> Hibernator.hibernate(dev, rig.area(),
                plan(k, Compressor.LZ4, Hibernator.Shutdown.POWEROFF, Optional.empty(), 8192L * P, 1),
                (how, s) -> {
                    try (HibernationImage image = HibernationImage.open(rig.file(), ReadOptions.defaults())) {
                        assertThat(image.kind()).as("signed before power-off").isEqualTo(ImageKind.KERNEL);
                    }
                    throw new IOException("reboot(RB_POWER_OFF): EPERM");
                }, new Hibernator.Listener() { }))
                .hasMessageContaining("EPERM");
        assertThat(Invalidation.invalidate(PageStore.of(rig.ch()), 0).outcome()).isEqualTo(Invalidation.Outcome.ALREADY_PLAIN);
        assertThat(dev.frozen()).isFalse();
        assertThat(rig.machine().poweredOff()).isFalse();
    }

    @Test
    void theResumerChecksTheKernelAndTheKey() throws Exception {
        for (boolean encrypted : new boolean[] {false, true}) {
            KernelProfile k = KernelProfile.linux(6, 1);
            Optional<KeyMaterial> key = encrypted ? Optional.of(KeyMaterial.rawKey(new byte[32])) : Optional.empty();
            Rig rig = rig(k, 16384, 16383);
            Path copy = signedCopy(rig, plan(k, Compressor.LZO, Hibernator.Shutdown.POWEROFF, key, 8192L * P, 1),
                    tmp.resolve("copy-" + encrypted + ".swap"));
            try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (encrypted) {
                    byte[] wrong = new byte[32];
                    wrong[0] = 1;
                    assertRefused(copy, ch, rig.machine(), Optional.of(KeyMaterial.rawKey(wrong)),
                            Resumer.RunningKernel.unknown(), "authenticat");
                    continue;
                }
                Utsname other = new Utsname("Linux", "guest", "6.1.0-99-arm64", "#1 SMP Debian", "aarch64", "");
                assertRefused(copy, ch, rig.machine(), Optional.empty(),
                        new Resumer.RunningKernel(Optional.of(other), Optional.empty()), "made by an x86_64 kernel");
            }
        }
    }

    @Test
    void theResumerRefusesAPhysicalMemoryMismatch() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 12);
        Rig rig = rig(k, 16384, 16383);
        Path copy = signedCopy(rig, plan(k, Compressor.LZ4, Hibernator.Shutdown.POWEROFF, Optional.empty(), 8192L * P,
                1), tmp.resolve("copy.swap"));
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertRefused(copy, ch, rig.machine(), Optional.empty(),
                    new Resumer.RunningKernel(Optional.empty(), Optional.of(123L)), "physical pages");
        }
    }

    /**
     * One pass: damage that only decoding finds (a unit in the middle, the CRC32 at the end, a unit of Torpor's kind
     * that fails authentication) ends the resume after pages went into the device, but the device is never frozen
     * or asked to restore, the running system's memory is as it was, and the area is a plain swap area.
     */
    @ParameterizedTest(name = "{0}, direct decoder {1}")
    @org.junit.jupiter.params.provider.CsvSource({"a unit in the middle, false", "the CRC32, false",
            "a sealed unit, false", "a unit in the middle, true", "the CRC32, true"})
    void damageFoundWhileStreamingLeavesTheRunningSystemUnrestored(String damage, boolean direct) throws Exception {
        if (direct) {
            withADirectDecoder(() -> damageFoundWhileStreaming(damage));
        } else {
            damageFoundWhileStreaming(damage);
        }
    }

    /**
     * A platform's direct decoder (decoding and the CRC32 in one call, between direct buffers, as the JNI library's):
     * the resume reads into direct buffers and hands the device its pages from there, and the machine comes back whole.
     */
    @Test
    void withADirectDecoderTheResumeRestoresTheMachine() throws Exception {
        KernelProfile k = KernelProfile.linux(6, 1);
        long before = dev.torpor.image.io.codec.StandInDirectDecoder.UNITS.get();
        withADirectDecoder(() -> {
            Rehearsal.Report r = Rehearsal.run(plan(k, Compressor.LZO, Hibernator.Shutdown.POWEROFF, Optional.empty(),
                    1L << 30, 1), k, 4096, tmp, new Hibernator.Listener() { });
            assertThat(r.memoryIntact()).isTrue();
            assertThat(r.savedPages()).isGreaterThan(1000);
            assertThat(r.restored().crc32Ok()).contains(true);
        });
        assertThat(dev.torpor.image.io.codec.StandInDirectDecoder.UNITS.get() - before)
                .as("units the direct decoder decoded").isGreaterThan(10);
    }

    private static void withADirectDecoder(dev.torpor.image.io.codec.StandInDirectDecoder.Body body) throws Exception {
        dev.torpor.image.io.codec.StandInDirectDecoder.with(body);
    }

    private void damageFoundWhileStreaming(String damage) throws Exception {
        KernelProfile k = KernelProfile.linux(6, 12);
        boolean encrypted = damage.equals("a sealed unit");
        Optional<KeyMaterial> key = encrypted ? Optional.of(KeyMaterial.rawKey(new byte[32])) : Optional.empty();
        Rig rig = rig(k, 16384, 16383);
        Path copy = signedCopy(rig, plan(k, Compressor.LZO, Hibernator.Shutdown.POWEROFF, key, 8192L * P, 1),
                tmp.resolve("damaged.swap"));
        Map<Long, byte[]> running = rig.machine().memory().snapshotOfSavedPages();
        try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (damage.equals("the CRC32")) {
                long at = dev.torpor.swap.format.HeaderLayout.V5_17.crc32Offset(P, 8).orElseThrow();
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, at);
                ch.write(ByteBuffer.wrap(new byte[] {(byte) ~b.get(0)}), at);
            } else {
                damageADataPageInTheMiddle(copy, ch);
            }
            EmulatedSnapshotDevice restore = rig.machine().open(SnapshotDevice.Mode.RESTORE);
            try (HibernationImage image = HibernationImage.open(copy, ReadOptions.defaults())) {
                assertThatThrownBy(() -> Resumer.resume(image, PageStore.of(ch), 0, restore, key,
                        Resumer.RunningKernel.unknown(), dev.torpor.image.io.Progress.NONE, atOnce -> {
                            throw new AssertionError("the hook before FREEZE ran for a damaged image");
                        })).isInstanceOf(dev.torpor.image.io.ImageFormatException.class)
                        .hasMessageContaining(damage.equals("the CRC32") ? "CRC32 mismatch"
                                : encrypted ? "authentication" : "unit");
            }
            assertThat(restore.bytesWritten()).as("pages went into the device before the damage showed").isPositive();
            assertThat(restore.frozen()).isFalse();
            restore.close();
            assertThat(rig.machine().memory().snapshotOfSavedPages()).as("the running system is as it was")
                    .containsOnlyKeys(running.keySet());
            running.forEach((pfn, bytes) -> assertThat(rig.machine().memory().get(pfn)).isEqualTo(bytes));
            assertThat(Invalidation.invalidate(PageStore.of(ch), 0).outcome())
                    .isEqualTo(Invalidation.Outcome.ALREADY_PLAIN);
        }
    }

    /**
     * Hibernates the rig's machine with {@code plan}, copies the signed image at the power-off (as the machine would
     * find it on boot), and boots the machine again; returns the copy.
     */
    private static Path signedCopy(Rig rig, Hibernator.Plan plan, Path copy) throws Exception {
        assertThatThrownBy(() -> Hibernator.hibernate(rig.machine().open(SnapshotDevice.Mode.HIBERNATE), rig.area(),
                plan, (how, s) -> {
                    Files.copy(rig.file(), copy);
                    throw new Stop();
                }, new Hibernator.Listener() { })).isInstanceOf(Stop.class);
        rig.machine().halt();
        rig.machine().boot();
        return copy;
    }

    /** Overwrites a stored page about two thirds into the image whose loss the quick inspection does not see. */
    private static void damageADataPageInTheMiddle(Path copy, FileChannel ch) throws Exception {
        long[] slots;
        try (HibernationImage image = HibernationImage.open(copy, ReadOptions.defaults())) {
            slots = image.slots().orElseThrow().toArray();
        }
        java.util.Arrays.sort(slots);
        byte[] garbage = new byte[P];
        new java.util.Random(5).nextBytes(garbage);
        for (int i = slots.length * 2 / 3; i < slots.length; i++) {
            ByteBuffer old = ByteBuffer.allocate(P);
            ch.read(old, slots[i] * P);
            ch.write(ByteBuffer.wrap(garbage), slots[i] * P);
            try (HibernationImage image = HibernationImage.open(copy, ReadOptions.defaults())) {
                if (image.inspect(true).verdict() == dev.torpor.image.io.read.Verdict.VALID
                        || image.kind() == ImageKind.TORPOR && image.inspect(true).problems().isEmpty()) {
                    return; // a data page: headers and swap map still read
                }
            }
            ch.write(old.flip(), slots[i] * P); // a map page: put it back, try the next
        }
        throw new AssertionError("no data page found to damage");
    }

    private static void assertRefused(Path copy, FileChannel ch, EmulatedMachine machine, Optional<KeyMaterial> key,
                                      Resumer.RunningKernel running, String message) throws Exception {
        EmulatedSnapshotDevice restore = machine.open(SnapshotDevice.Mode.RESTORE);
        try (HibernationImage image = HibernationImage.open(copy, ReadOptions.defaults())) {
            assertThatThrownBy(() -> Resumer.resume(image, PageStore.of(ch), 0, restore, key, running, dev.torpor.image.io.Progress.NONE))
                    .isInstanceOf(IOException.class).hasMessageContaining(message);
        }
        assertThat(restore.bytesWritten()).as("nothing reached the device").isZero();
        assertThat(Invalidation.invalidate(PageStore.of(ch), 0).outcome()).isEqualTo(Invalidation.Outcome.ALREADY_PLAIN);
        restore.close();
    }

    /** Thrown by a test's power-off to end a run with the image in place. */
    private static final class Stop extends IOException {
        private static final long serialVersionUID = 1L;
    }
}
