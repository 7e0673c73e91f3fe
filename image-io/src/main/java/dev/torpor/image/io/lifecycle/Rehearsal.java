package dev.torpor.image.io.lifecycle;

import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.Progress;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.emulator.EmulatedMachine;
import dev.torpor.snapshot.api.emulator.EmulatedMemory;
import dev.torpor.snapshot.api.emulator.EmulatedSwap;
import dev.torpor.snapshot.api.emulator.KernelProfile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The whole hibernate-and-resume sequence against the emulator: an emulated machine of the given kernel with
 * synthetic memory hibernates through {@link Hibernator} into a swap file, powers off, boots, and
 * {@link Resumer} restores it; the memory afterwards is compared with the memory saved. It serves as
 * {@code --dry-run} and as the rehearsal before a real hibernation, which runs every code path the real
 * post-snapshot path runs, so that no class is loaded after the real snapshot.
 */
public final class Rehearsal {
    private static final int DEV = SnapshotDevice.encodeDev(254, 99);

    /** How often the hibernator makes the swap area durable while writing (and so does its rehearsal). */
    public static final long SYNC_BYTES = 8L << 20;

    /**
     * What happened.
     *
     * @param hibernated   the hibernator's report in the resumed (emulated) system
     * @param restored     what the resumer verified and restored (null after suspend-to-both woke from RAM)
     * @param savedPages   memory pages the emulated kernel saved
     * @param memoryIntact every saved page is back with the same content after the restore
     * @param swapFile     the scratch swap file used (deleted unless kept)
     */
    public record Report(Hibernator.Resumed hibernated, Resumer.Verified restored, int savedPages, boolean memoryIntact,
                         Path swapFile) {
    }

    private Rehearsal() {
    }

    /**
     * Runs {@code plan} (its swap device and offset are replaced by the emulated ones) on an emulated {@code kernel}
     * with {@code memoryPages} pages of memory, in a swap file under {@code scratch}.
     */
    public static Report run(Hibernator.Plan plan, KernelProfile kernel, int memoryPages, Path scratch,
                             Hibernator.Listener listener) throws IOException {
        int p = kernel.pageSize();
        long areaPages = memoryPages + memoryPages / 4L + 64;
        EmulatedMemory memory = new EmulatedMemory(p, memoryPages).fillSynthetic(2026, memoryPages / 3, memoryPages / 5);
        EmulatedMachine machine = new EmulatedMachine(kernel, memory)
                .addSwap(new EmulatedSwap(DEV, 0, areaPages - 1, Set.of()));
        Path swapFile = Files.createTempFile(scratch, "torpor-rehearsal", ".swap");
        try (FileChannel ch = FileChannel.open(swapFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            PageStore store = PageStore.syncingEvery(PageStore.of(ch), SYNC_BYTES);
            SwapArea.format(store, 0, p, kernel.target().byteOrder(), areaPages, UUID.randomUUID(), "rehearsal");
            SwapArea area = SwapArea.open(store, 0, p, kernel.target().byteOrder());
            Map<Long, byte[]>[] saved = new Map[1];
            Resumer.Verified[] restored = new Resumer.Verified[1];
            // a public key cannot open what it encrypts, and nothing on the machine can: the rehearsal encrypts to a
            // key pair of its own, through the same X25519, HKDF and sealing, and opens it with its private key
            java.util.Optional<dev.torpor.image.io.encrypted.KeyMaterial> key = plan.key();
            if (key.isPresent() && key.get().isPublicKey()) {
                try {
                    key = java.util.Optional.of(dev.torpor.image.io.encrypted.KeyMaterial.privateKey(
                            dev.torpor.image.io.encrypted.X25519.newPrivateKey(new java.security.SecureRandom())));
                } catch (java.security.InvalidKeyException e) {
                    throw new IllegalStateException("X25519 refused a fresh private key", e);
                }
            }
            java.util.Optional<dev.torpor.image.io.encrypted.KeyMaterial> rehearsalKey = key;
            Hibernator.Plan emulated = new Hibernator.Plan(kernel.target(), DEV, 0, plan.imageSize(), plan.compressor(),
                    plan.threads(), plan.shutdown(), rehearsalKey, plan.attempts());
            Hibernator.Power power = (how, session) -> {
                saved[0] = machine.memory().snapshotOfSavedPages();
                if (how == Hibernator.Shutdown.PLATFORM) {
                    session.powerOff();
                } else {
                    machine.halt();
                }
                machine.boot();
                try (HibernationImage image = HibernationImage.open(swapFile, ReadOptions.defaults())) {
                    restored[0] = Resumer.resume(image, store, 0, machine.open(SnapshotDevice.Mode.RESTORE), rehearsalKey,
                            Resumer.RunningKernel.unknown(), Progress.NONE);
                }
            };
            Map<Long, byte[]> before = machine.memory().snapshotOfSavedPages();
            Hibernator.Resumed resumed = Hibernator.hibernate(machine.open(SnapshotDevice.Mode.HIBERNATE), area,
                    emulated, power, listener);
            if (resumed.fromRam()) {
                saved[0] = before; // woken from RAM: nothing was restored, the memory must simply be as it was
            }
            Map<Long, byte[]> now = machine.memory().snapshotOfSavedPages();
            boolean intact = now.size() == saved[0].size() && saved[0].entrySet().stream()
                    .allMatch(e -> java.util.Arrays.equals(machine.memory().get(e.getKey()), e.getValue()));
            return new Report(resumed, restored[0], saved[0].size(), intact, swapFile);
        } finally {
            Files.deleteIfExists(swapFile);
        }
    }
}
