package dev.torpor.image.io.disk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/** The disk goldens of {@code testdata/disk} (made by sfdisk and LVM2; see its README). */
final class DiskData {
    /** Size of the GPT disk whose first 34 sectors are {@code gpt-head.bin.gz}. */
    static final long GPT_DISK_SIZE = 1000341504L;
    /** Size of the partition whose first MiB is {@code lvm-pv-head.bin.gz}. */
    static final long PV_SIZE = 420L << 20;

    private DiskData() {
    }

    private static final java.util.Map<String, byte[]> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** A fresh copy of the golden's bytes. */
    static byte[] bytes(String name) {
        return CACHE.computeIfAbsent(name, DiskData::read).clone();
    }

    private static byte[] read(String name) {
        String base = System.getProperty("torpor.testdata", "../testdata");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(base, "disk", name)))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sparse file of {@code size} bytes starting with {@code head}. */
    static Path disk(Path dir, String file, byte[] head, long size) throws IOException {
        Path p = dir.resolve(file);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int at = 0; at < head.length; at += 65536) { // sparse: zero blocks stay holes
                int n = Math.min(65536, head.length - at);
                if (!java.util.Arrays.equals(head, at, at + n, new byte[n], 0, n)) {
                    ch.write(ByteBuffer.wrap(head, at, n), at);
                }
            }
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        }
        return p;
    }

    static DiskLayout layout(Path disk) throws IOException {
        try (FileChannel ch = FileChannel.open(disk)) {
            return DiskLayout.read(ch, ch.size(), disk.getFileName().toString());
        }
    }
}
