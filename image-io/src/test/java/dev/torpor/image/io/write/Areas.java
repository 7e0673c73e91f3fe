package dev.torpor.image.io.write;

import dev.torpor.snapshot.api.KernelByteOrder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;

/** Test helpers: fresh swap areas and digests. */
final class Areas {
    private Areas() {
    }

    static Path fresh(Path file, long pages) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
            SwapArea.format(PageStore.of(ch), 0, 4096, KernelByteOrder.LITTLE, pages,
                    UUID.fromString("01234567-89ab-cdef-0123-456789abcdef"), "torpor");
        }
        return file;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Called before each write of a watched store with its size. */
    @FunctionalInterface
    interface BeforeWrite {
        void bytes(int n) throws java.io.IOException;
    }

    /** {@code store}, calling {@code beforeWrite} before each write and {@code beforeForce} before each force. */
    static PageStore watched(PageStore store, BeforeWrite beforeWrite, Runnable beforeForce) {
        return new PageStore() {
            @Override
            public void write(java.nio.ByteBuffer src, long position) throws java.io.IOException {
                beforeWrite.bytes(src.remaining());
                store.write(src, position);
            }

            @Override
            public void read(java.nio.ByteBuffer dst, long position) throws java.io.IOException {
                store.read(dst, position);
            }

            @Override
            public void force() throws java.io.IOException {
                beforeForce.run();
                store.force();
            }
        };
    }
}
