package dev.torpor.image.io.read;

import dev.torpor.image.io.Progress;
import dev.torpor.image.io.encrypted.KeyMaterial;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.lifecycle.Hibernator;
import dev.torpor.image.io.lifecycle.Resumer;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.emulator.EmulatedMachine;
import dev.torpor.snapshot.api.emulator.EmulatedMemory;
import dev.torpor.snapshot.api.emulator.EmulatedSwap;
import dev.torpor.snapshot.api.emulator.KernelProfile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Makes the fuzzers' seed inputs (committed under {@code src/test/resources/.../*FuzzTestInputs/}): slices of the
 * real corpus images (the signature page, the first map page and the first data pages it lists, moved to pages 0,
 * 1, 2... of a small area), and tiny complete images (and their streams) of emulated 64-page machines, plain and
 * encrypted. Run from the module directory after {@code test-compile}:
 * {@code java -cp target/test-classes:target/classes:$(deps) dev.torpor.image.io.read.FuzzSeeds}.
 */
public final class FuzzSeeds {
    static final int P = 4096;
    /** The key of the encrypted seeds and of the encrypted-kind fuzzer. */
    static final byte[] KEY = new byte[32];

    private FuzzSeeds() {
    }

    public static void main(String[] args) throws Exception {
        Path res = Path.of("src/test/resources/dev/torpor/image/io/read");
        Path reader = Files.createDirectories(res.resolve("ImageReaderFuzzTestInputs/readEverything"));
        Path stream = Files.createDirectories(res.resolve("StreamFuzzTestInputs/writeImage"));
        Path encrypted = Files.createDirectories(res.resolve("EncryptedImageFuzzTestInputs/decrypt"));
        for (String name : new String[] {"k61-lzo", "k61-nocompress", "k612-lzo"}) {
            Files.write(reader.resolve(name + "-slice"), slice(Corpus.swap(name), 14));
        }
        Path tmp = Files.createTempDirectory("seeds");
        for (Compressor c : Compressor.values()) {
            KernelProfile k = c == Compressor.LZ4 ? KernelProfile.linux(6, 12) : KernelProfile.linux(6, 1);
            byte[] image = tiny(k, c, Optional.empty(), tmp);
            Files.write(reader.resolve("tiny-" + c.label()), image);
            Files.write(stream.resolve("tiny-" + c.label() + ".stream"), streamOf(image, tmp));
        }
        byte[] sealed = tiny(KernelProfile.linux(6, 12), Compressor.LZ4, Optional.of(KeyMaterial.rawKey(KEY)), tmp);
        Files.write(encrypted.resolve("tiny-lz4-sealed"), sealed);
        Files.write(reader.resolve("tiny-lz4-sealed"), sealed);
    }

    /** The signature page, the first map page and its first {@code pages} data pages, as pages 0, 1, 2, ... */
    static byte[] slice(Path area, int pages) throws IOException {
        byte[] all = Files.readAllBytes(area);
        ByteBuffer sig = ByteBuffer.wrap(all, 0, P).slice().order(ByteOrder.LITTLE_ENDIAN);
        long firstMap;
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            firstMap = image.signatureFields().orElseThrow().image();
        }
        ByteBuffer out = ByteBuffer.allocate((2 + pages) * P).order(ByteOrder.LITTLE_ENDIAN);
        out.put(all, 0, P);
        // the first map page's slot, wherever the header era keeps it, becomes 1; last_page fits the slice
        for (int i = P - 28; i > 1024 + 512; i -= 4) {
            if (sig.getLong(i) == firstMap) {
                out.putLong(i, 1);
                break;
            }
        }
        out.putInt(1024 + 4, 1 + pages);
        ByteBuffer map = ByteBuffer.wrap(all, (int) (firstMap * P), P).slice().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < pages; i++) {
            out.putLong(P + i * 8, 2 + i);
            long slot = map.getLong(i * 8);
            out.put((2 + i) * P, all, (int) (slot * P), P);
        }
        return out.array();
    }

    /** A complete image of an emulated 64-page machine, as its area's bytes. */
    static byte[] tiny(KernelProfile k, Compressor c, Optional<KeyMaterial> key, Path tmp) throws IOException {
        int dev = SnapshotDevice.encodeDev(254, 1);
        long areaPages = 160;
        EmulatedMemory memory = new EmulatedMemory(P, 64).fillSynthetic(2026, 24, 8);
        EmulatedMachine machine = new EmulatedMachine(k, memory).addSwap(new EmulatedSwap(dev, 0, areaPages - 1,
                Set.of()));
        Path file = tmp.resolve("tiny-" + UUID.randomUUID());
        byte[][] signed = new byte[1][];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            PageStore store = PageStore.of(ch);
            SwapArea.format(store, 0, P, KernelByteOrder.LITTLE, areaPages, new UUID(1, 2), "seed");
            SwapArea area = SwapArea.open(store, 0, P, KernelByteOrder.LITTLE);
            Hibernator.Plan plan = new Hibernator.Plan(k.target(), dev, 0, 0, c, 1, Hibernator.Shutdown.POWEROFF, key,
                    1);
            Hibernator.hibernate(machine.open(SnapshotDevice.Mode.HIBERNATE), area, plan, (how, session) -> {
                signed[0] = Files.readAllBytes(file);
                machine.halt();
                machine.boot();
                try (HibernationImage image = HibernationImage.open(file, ReadOptions.defaults())) {
                    Resumer.resume(image, store, 0, machine.open(SnapshotDevice.Mode.RESTORE), key,
                            Resumer.RunningKernel.unknown(), Progress.NONE);
                }
            }, new Hibernator.Listener() { });
        } finally {
            Files.deleteIfExists(file);
        }
        return signed[0];
    }

    /** The snapshot stream of {@code image} (a kernel-format area). */
    static byte[] streamOf(byte[] image, Path tmp) throws IOException {
        Path file = Files.write(tmp.resolve("s-" + UUID.randomUUID()), image);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (HibernationImage i = HibernationImage.open(file, ReadOptions.defaults())) {
            SnapshotStream s = i.stream();
            for (ByteBuffer page = s.next(); page != null; page = s.next()) {
                byte[] b = new byte[page.remaining()];
                page.get(b);
                out.write(b);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return out.toByteArray();
    }
}
