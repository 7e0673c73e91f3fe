package dev.torpor.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One {@code torpor hibernate} at a time: a lock on {@code /run/torpor/hibernate.lock} (holding the PID), taken before
 * anything else is done. The kernel lets only one process open {@code /dev/snapshot}, but a second hibernate would
 * find that out only after its rehearsals.
 */
final class HibernationLock implements AutoCloseable {
    static final Path DEFAULT = Path.of("/run/torpor/hibernate.lock");

    private final FileChannel channel;
    private final FileLock lock;

    private HibernationLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file: {@code -Dtorpor.hibernate.lock} if set (tests), else {@link #DEFAULT}. */
    static Path file() {
        String p = System.getProperty("torpor.hibernate.lock");
        return p != null ? Path.of(p) : DEFAULT;
    }

    /** @throws dev.torpor.hibernation.HibernationRefused when another process (or this one) holds it */
    static HibernationLock take(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            String holder = "";
            try {
                holder = Files.readString(file).strip();
            } catch (IOException ignored) {
                // the PID is only a hint
            }
            ch.close();
            throw new dev.torpor.hibernation.HibernationRefused("another torpor hibernate is running" + (holder.isEmpty() ? ""
                    : " (PID " + holder + ")") + ": it holds " + file + "; wait for it to finish");
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        return new HibernationLock(ch, l);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
