package dev.torpor.guest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a cpio archive in the "newc" format the kernel unpacks as its initramfs. */
public final class Cpio {
    private static final int DIRECTORY = 040755;
    private final OutputStream out;
    private int ino = 1;

    public Cpio(OutputStream out) {
        this.out = out;
    }

    /** A directory entry; parents must come before their children. */
    public void directory(String name) throws IOException {
        entry(name, DIRECTORY, new byte[0]);
    }

    /** A regular file with permission bits {@code perm} (e.g. 0755). */
    public void file(String name, byte[] data, int perm) throws IOException {
        entry(name, 0100000 | perm, data);
    }

    /** The end-of-archive entry. */
    public void trailer() throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
    }

    private void entry(String name, int mode, byte[] data) throws IOException {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        String h = String.format("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", ino++, mode, 0, 0,
                mode == DIRECTORY ? 2 : 1, 0, data.length, 0, 0, 0, 0, n.length, 0);
        out.write(h.getBytes(StandardCharsets.US_ASCII));
        out.write(n);
        pad(110 + n.length);
        out.write(data);
        pad(data.length);
    }

    private void pad(int length) throws IOException {
        out.write(new byte[(4 - length % 4) % 4]);
    }
}
