package dev.torpor.image.io.read;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/**
 * Gzip-compressed copies of swap areas (as analysts often receive them): inflated once into a sparse
 * file, since reading an image needs random access. All-zero pages are not written, so a mostly empty
 * 384 MiB area takes only the space of the image itself.
 */
public final class GzipSources {
    private static final int BLOCK = 4096;

    private GzipSources() {
    }

    /** Whether the file starts with the gzip magic bytes. */
    public static boolean isGzip(Path path) throws IOException {
        if (!Files.isRegularFile(path) || Files.size(path) < 2) {
            return false;
        }
        try (InputStream in = Files.newInputStream(path)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** Inflates {@code gz} into {@code target} (replaced), writing only non-zero blocks; returns the size. */
    public static long inflateSparse(Path gz, Path target) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] block = new byte[BLOCK];
            long pos = 0;
            while (true) {
                int n = in.readNBytes(block, 0, BLOCK);
                if (n <= 0) {
                    break;
                }
                if (!allZero(block, n)) {
                    ByteBuffer b = ByteBuffer.wrap(block, 0, n);
                    long p = pos;
                    while (b.hasRemaining()) {
                        p += out.write(b, p);
                    }
                }
                pos += n;
            }
            if (out.size() < pos) {
                // a trailing hole: extend the file by writing its last byte
                out.write(ByteBuffer.wrap(new byte[1]), pos - 1);
            }
            return pos;
        }
    }

    private static boolean allZero(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
