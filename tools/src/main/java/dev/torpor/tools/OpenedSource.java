package dev.torpor.tools;

import dev.torpor.image.io.disk.DiskLayout;
import dev.torpor.image.io.disk.Volume;
import dev.torpor.image.io.disk.VolumeChannel;
import dev.torpor.image.io.read.GzipSources;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.platform.linux.BlockDevices;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens what the user named: a regular file, a block device (its size through {@code BLKGETSIZE64}) or a
 * gzip-compressed file (inflated to a temporary sparse file, removed on close).
 */
final class OpenedSource implements AutoCloseable {
    final HibernationImage image;
    private final Path temporary;

    private OpenedSource(HibernationImage image, Path temporary) {
        this.image = image;
        this.temporary = temporary;
    }

    static OpenedSource open(String name, ReadOptions options, PrintWriter err) throws IOException {
        return open(name, null, options, err);
    }

    /** As {@link #open(String, ReadOptions, PrintWriter)}, reading the volume {@code volume} of the disk if not null. */
    static OpenedSource open(SourceOptions source, PrintWriter err) throws IOException {
        return open(source.source, source.volume, source.readOptions(), err);
    }

    private static OpenedSource open(String name, String volume, ReadOptions options, PrintWriter err)
            throws IOException {
        Path path = Path.of(name);
        if (!Files.exists(path)) {
            throw new NoSuchFileException(name, null, "no such file or device");
        }
        if (Files.isDirectory(path)) {
            throw new IOException(name + " is a directory");
        }
        Path temporary = inflatedIfGzip(path, name, err);
        Path readFrom = temporary != null ? temporary : path;
        long size = sizeOf(readFrom);
        FileChannel ch = FileChannel.open(readFrom, StandardOpenOption.READ);
        try {
            if (volume != null) {
                String disk = name;
                DiskLayout layout = DiskLayout.read(ch, size, disk);
                Volume v = layout.volume(volume).orElseThrow(() -> new IllegalArgumentException("no volume '"
                        + volume + "' on " + disk + "; it has " + String.join(", ", layout.names())
                        + " (see torpor scan " + disk + ")"));
                layout.problems().forEach(p -> err.println("torpor: " + disk + ": " + p));
                err.flush();
                ch = new VolumeChannel(ch, v.extents(), true);
                size = v.size();
                name = name + " volume " + v.name();
            }
            return new OpenedSource(HibernationImage.open(ch, size, name, options), temporary);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (temporary != null) {
                Files.deleteIfExists(temporary);
            }
            throw e;
        }
    }

    /** A temporary sparse file with {@code path} inflated if it is gzip-compressed (the caller deletes it), else null. */
    static Path inflatedIfGzip(Path path, String name, PrintWriter err) throws IOException {
        if (!GzipSources.isGzip(path)) {
            return null;
        }
        Path temporary = Files.createTempFile("torpor-", ".swap");
        err.println("torpor: " + name + " is gzip-compressed; inflating to a temporary sparse file");
        err.flush();
        try {
            GzipSources.inflateSparse(path, temporary);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw new IOException("cannot inflate " + name + ": " + e.getMessage(), e);
        }
        return temporary;
    }

    /** The size of a regular file, or of a block device through BLKGETSIZE64; -1 if unknown. */
    static long sizeOf(Path source) throws IOException {
        if (Files.isRegularFile(source)) {
            return Files.size(source);
        }
        return BlockDevices.isBlockDevice(source) ? BlockDevices.size(source).orElse(-1) : -1;
    }

    @Override
    public void close() throws IOException {
        image.close();
        if (temporary != null) {
            Files.deleteIfExists(temporary);
        }
    }
}
