package dev.torpor.tools.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Everything a QEMU guest needs, made from Debian packages on first use: a Debian kernel (apt-get download,
 * dpkg-deb -x), a busybox initramfs with the virtio modules and Torpor's guest init, and a way to boot it
 * (TCG, 256 MiB, one virtio disk) and collect its console.
 */
public final class GuestKit {
    /** Modules for a virtio disk, in dependency order. */
    private static final List<String> MODULES = List.of("virtio_ring", "virtio", "virtio_pci_legacy_dev",
            "virtio_pci_modern_dev", "virtio_pci", "virtio_blk");

    private final Path kernel;
    private final Path initrd;

    private GuestKit(Path kernel, Path initrd) {
        this.kernel = kernel;
        this.initrd = initrd;
    }

    /** Prepares (once, under {@code dir}) the kernel of the Debian package depended on by {@code metaPackage}. */
    public static synchronized GuestKit prepare(Path where, String metaPackage) throws Exception {
        Path dir = where.toAbsolutePath();
        Files.createDirectories(dir);
        String pkg = resolve(metaPackage);
        Path extracted = dir.resolve(pkg);
        if (!Files.isDirectory(extracted.resolve("boot"))) {
            run(dir, "apt-get", "download", "-qq", pkg);
            Path deb;
            try (Stream<Path> s = Files.list(dir)) {
                deb = s.filter(p -> p.getFileName().toString().startsWith(pkg + "_")
                        && p.toString().endsWith(".deb")).findFirst().orElseThrow();
            }
            run(dir, "dpkg-deb", "-x", deb.toString(), extracted.toString());
            Files.delete(deb);
        }
        Path kernel;
        try (Stream<Path> s = Files.list(extracted.resolve("boot"))) {
            kernel = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst().orElseThrow();
        }
        Path initrd = dir.resolve(pkg + ".initrd.gz");
        if (!Files.exists(initrd)) {
            buildInitrd(extracted, initrd);
        }
        return new GuestKit(kernel, initrd);
    }

    /** The versioned kernel package a meta-package (e.g. linux-image-amd64) depends on. */
    static String resolve(String metaPackage) throws Exception {
        String deps = run(Path.of("."), "apt-cache", "depends", metaPackage);
        Matcher m = Pattern.compile("Depends: (linux-image-\\S+)").matcher(deps);
        if (!m.find()) {
            throw new IllegalStateException("apt-cache knows no kernel behind " + metaPackage + ":\n" + deps);
        }
        return m.group(1);
    }

    private static void buildInitrd(Path extracted, Path initrd) throws IOException {
        Path busybox = Path.of("/bin/busybox");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(initrd))) {
            Cpio cpio = new Cpio(out);
            for (String d : List.of("bin", "mods", "proc", "sys", "dev", "run")) {
                cpio.directory(d);
            }
            cpio.file("bin/busybox", Files.readAllBytes(busybox), 0755);
            try (Stream<Path> s = Files.walk(extracted.resolve("lib/modules"))) {
                for (Path ko : (Iterable<Path>) s::iterator) {
                    String name = ko.getFileName().toString();
                    if (Files.isRegularFile(ko) && name.endsWith(".ko") && MODULES.contains(name.replace(".ko", ""))) {
                        cpio.file("mods/" + name, Files.readAllBytes(ko), 0644);
                    }
                }
            }
            byte[] init;
            try (var in = GuestKit.class.getResourceAsStream("/qemu/init")) {
                init = in.readAllBytes();
            }
            cpio.file("init", init, 0755);
            cpio.trailer();
        }
    }

    /** Boots the guest on {@code disk} with {@code torpor.mode=MODE}; returns its console output. */
    public String boot(Path disk, String mode, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder("qemu-system-x86_64", "-accel", "tcg", "-m", "256M", "-smp", "1",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 quiet torpor.mode=" + mode,
                "-drive", "file=" + disk + ",if=virtio,format=raw", "-nographic", "-no-reboot")
                .redirectErrorStream(true).start();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(console);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            throw new IllegalStateException("the guest did not power off within " + timeoutSeconds + " s:\n"
                    + console.toString(StandardCharsets.ISO_8859_1));
        }
        reader.join(5000);
        return console.toString(StandardCharsets.ISO_8859_1);
    }

    static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    /** A cpio archive in the "newc" format the kernel unpacks as initramfs. */
    static final class Cpio {
        private final OutputStream out;
        private int ino = 1;

        Cpio(OutputStream out) {
            this.out = out;
        }

        void directory(String name) throws IOException {
            entry(name, 040755, new byte[0]);
        }

        void file(String name, byte[] data, int perm) throws IOException {
            entry(name, 0100000 | perm, data);
        }

        void trailer() throws IOException {
            entry("TRAILER!!!", 0, new byte[0]);
        }

        private void entry(String name, int mode, byte[] data) throws IOException {
            byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
            String h = String.format("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", ino++, mode, 0, 0,
                    mode == 040755 ? 2 : 1, 0, data.length, 0, 0, 0, 0, n.length, 0);
            out.write(h.getBytes(StandardCharsets.US_ASCII));
            out.write(n);
            pad(110 + n.length);
            out.write(data);
            pad(data.length);
        }

        private void pad(int length) throws IOException {
            int p = (4 - length % 4) % 4;
            out.write(new byte[p]);
        }
    }
}
