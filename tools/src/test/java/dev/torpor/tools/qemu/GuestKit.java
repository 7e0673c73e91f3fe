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
    /**
     * Modules for a virtio disk and the LZ4 compressor, in dependency order; those a kernel builds in are not
     * in its package and are skipped.
     */
    private static final List<String> MODULES = List.of("virtio_ring", "virtio", "virtio_pci_legacy_dev",
            "virtio_pci_modern_dev", "virtio_pci", "virtio_blk", "lz4_compress", "lz4");

    private final Path kernel;
    private final Path initrd;

    private GuestKit(Path kernel, Path initrd) {
        this.kernel = kernel;
        this.initrd = initrd;
    }

    /** Prepares (once, under {@code dir}) the kernel of the Debian package depended on by {@code metaPackage}. */
    public static synchronized GuestKit prepare(Path where, String metaPackage) throws Exception {
        return prepare(where, metaPackage, null);
    }

    /**
     * As {@link #prepare(Path, String)}, taking the package from {@code sourceLine} (a one-line sources.list,
     * e.g. bookworm-backports) through private package lists, so the machine's own apt setup is untouched.
     */
    public static synchronized GuestKit prepare(Path where, String metaPackage, String sourceLine) throws Exception {
        Path dir = where.toAbsolutePath();
        Files.createDirectories(dir);
        List<String> apt = new java.util.ArrayList<>();
        if (sourceLine != null) {
            Path lists = dir.resolve("apt-lists");
            Files.createDirectories(lists.resolve("partial"));
            Path sources = Files.writeString(dir.resolve("sources.list"), sourceLine + "\n");
            apt = List.of("-o", "Dir::Etc::sourcelist=" + sources, "-o", "Dir::Etc::sourceparts=/nonexistent",
                    "-o", "Dir::State::Lists=" + lists);
            List<String> update = new java.util.ArrayList<>(List.of("apt-get"));
            update.addAll(apt);
            update.addAll(List.of("update", "-qq"));
            run(dir, update.toArray(new String[0]));
        }
        String pkg = resolve(metaPackage, apt);
        Path extracted = dir.resolve(pkg);
        if (!Files.isDirectory(extracted.resolve("boot"))) {
            List<String> download = new java.util.ArrayList<>(List.of("apt-get"));
            download.addAll(apt);
            download.addAll(List.of("download", "-qq", pkg));
            run(dir, download.toArray(new String[0]));
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
    static String resolve(String metaPackage, List<String> apt) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("apt-cache"));
        cmd.addAll(apt);
        cmd.addAll(List.of("depends", metaPackage));
        String deps = run(Path.of("."), cmd.toArray(new String[0]));
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
            java.util.Map<String, Path> found = new java.util.HashMap<>();
            Path modules = Files.isDirectory(extracted.resolve("lib/modules")) ? extracted.resolve("lib/modules")
                    : extracted.resolve("usr/lib/modules");
            try (Stream<Path> s = Files.walk(modules)) {
                for (Path ko : (Iterable<Path>) s::iterator) {
                    String name = ko.getFileName().toString().replaceAll("\\.ko(\\.xz)?$", "");
                    if (Files.isRegularFile(ko) && !name.equals(ko.getFileName().toString())
                            && MODULES.contains(name)) {
                        found.put(name, ko);
                    }
                }
            }
            StringBuilder order = new StringBuilder();
            for (String m : MODULES) {
                Path ko = found.get(m);
                if (ko == null) {
                    continue; // built into this kernel
                }
                byte[] data = ko.toString().endsWith(".xz") ? unxz(ko) : Files.readAllBytes(ko);
                cpio.file("mods/" + m + ".ko", data, 0644);
                order.append(m).append('\n');
            }
            cpio.file("mods/order", order.toString().getBytes(StandardCharsets.US_ASCII), 0644);
            byte[] init;
            try (var in = GuestKit.class.getResourceAsStream("/qemu/init")) {
                init = in.readAllBytes();
            }
            cpio.file("init", init, 0755);
            cpio.trailer();
        }
    }

    /** Decompresses a {@code .ko.xz} module with the host's xz. */
    private static byte[] unxz(Path ko) throws IOException {
        Process p = new ProcessBuilder("xz", "-dc", ko.toString()).start();
        byte[] data = p.getInputStream().readAllBytes();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("xz -dc " + ko + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return data;
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
