package dev.torpor.guest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Puts a {@link DebianKernel} and an initramfs together into bootable {@link QemuGuest}s, cached on disk. */
public final class Guests {
    private static final int PT_INTERP = 3;

    private Guests() {
    }

    /**
     * A 256 MiB guest with the base initramfs (busybox, modules, init), made under {@code cache} unless there;
     * the file name carries the init script's hash, so a changed init makes a new one.
     */
    public static QemuGuest plain(Path cache, DebianKernel kernel, Path busybox) throws IOException {
        Path initrd = cache.toAbsolutePath().resolve(kernel.packageName() + "-" + Initramfs.initHash() + ".initrd.gz");
        synchronized (Guests.class) {
            if (!Files.exists(initrd)) {
                Initramfs.writeBase(kernel, busybox, initrd);
            }
        }
        return new QemuGuest(kernel.vmlinuz(), initrd, "256M");
    }

    /**
     * The same guest with 1 GiB and Java: {@code jrt} at /opt/jrt, {@code torporJar} at /opt/torpor.jar and the
     * {@code extra} files; made again when {@code torporJar} is newer than the cached initramfs, or the extra files
     * changed (their digest is kept beside it: a C program edited between runs is otherwise never seen in the guest).
     */
    public static QemuGuest withJava(QemuGuest plain, Path jrt, Path torporJar, Map<String, byte[]> extra)
            throws IOException {
        Path base = plain.initrd();
        Path initrd = base.resolveSibling(base.getFileName().toString().replace(".initrd.gz", ".java.initrd.gz"));
        Path digestFile = initrd.resolveSibling(initrd.getFileName() + ".extra");
        String digest = digestOf(extra);
        synchronized (Guests.class) {
            if (!Files.exists(initrd)
                    || Files.getLastModifiedTime(initrd).compareTo(Files.getLastModifiedTime(torporJar)) < 0
                    || !Files.exists(digestFile) || !Files.readString(digestFile).equals(digest)) {
                Initramfs.writeWithJava(base, jrt, torporJar, extra, initrd);
                Files.writeString(digestFile, digest);
            }
        }
        return new QemuGuest(plain.kernel(), initrd, "1G");
    }

    /** SHA-256 over the extra files' names and bytes, in name order. */
    private static String digestOf(Map<String, byte[]> extra) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(extra).entrySet()) {
                sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(e.getValue());
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether {@code file} is a statically linked ELF program (no program interpreter): the initramfs has no
     * shared libraries for busybox. Debian's busybox-static package installs one as /bin/busybox.
     */
    public static boolean isStaticElf(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            if (h.position() < 64 || h.getInt(0) != 0x464c457f || h.get(4) != 2) {
                return false; // not a 64-bit ELF file
            }
            long phoff = h.getLong(0x20);
            int phentsize = Short.toUnsignedInt(h.getShort(0x36));
            int phnum = Math.min(Short.toUnsignedInt(h.getShort(0x38)), 256);
            ByteBuffer ph = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < phnum; i++) {
                ph.clear();
                if (ch.read(ph, phoff + (long) i * phentsize) == 4 && ph.getInt(0) == PT_INTERP) {
                    return false;
                }
            }
            return true;
        }
    }
}
