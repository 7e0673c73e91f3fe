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
    private final String memory;

    private GuestKit(Path kernel, Path initrd, String memory) {
        this.kernel = kernel;
        this.initrd = initrd;
        this.memory = memory;
    }

    /** The kernel of this kit. */
    public Path kernel() {
        return kernel;
    }

    /**
     * The same kernel with Java in the initramfs: a runtime made by jlink from the JDK running the tests (with its
     * class-data-sharing archive), the glibc libraries it needs, {@code torpor.jar} at {@code /opt/torpor.jar}, and
     * two 32-byte keys ({@code /keys/right.key}, {@code /keys/wrong.key}). Boots with 1 GiB.
     */
    public GuestKit withJava(Path torporJar) throws Exception {
        Path dir = initrd.getParent();
        Path jrt = javaRuntime(dir.getParent().resolve("qemu-jrt"));
        String name = initrd.getFileName().toString().replace(".initrd.gz", ".java.initrd.gz");
        Path javaInitrd = dir.resolve(name);
        if (!Files.exists(javaInitrd) || Files.getLastModifiedTime(javaInitrd).compareTo(
                Files.getLastModifiedTime(torporJar)) < 0) {
            buildJavaInitrd(initrd, jrt, torporJar, javaInitrd);
        }
        return new GuestKit(kernel, javaInitrd, "1G");
    }

    /**
     * The guests' Java runtime, made once by jlink. Static and synchronized: guests of both kernels are prepared in
     * parallel and share it; a half-made runtime (an earlier run stopped) is made again.
     */
    private static synchronized Path javaRuntime(Path jrt) throws Exception {
        if (!Files.isRegularFile(jrt.resolve("lib/server/classes.jsa"))) {
            if (Files.exists(jrt)) {
                try (Stream<Path> s = Files.walk(jrt)) {
                    for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                        Files.delete(p);
                    }
                }
            }
            Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
            run(jrt.getParent(), jlink.toString(), "--add-modules",
                    "java.base,java.logging,java.management,jdk.unsupported,java.naming,java.sql",
                    "--strip-debug", "--no-man-pages", "--no-header-files", "--compress=2", "--generate-cds-archive",
                    "--output", jrt.toString());
            Files.deleteIfExists(jrt.resolve("lib/server/classes_nocoops.jsa"));
        }
        return jrt;
    }

    /** The base initramfs plus Java: a second cpio archive appended (the kernel unpacks them in turn). */
    private static void buildJavaInitrd(Path base, Path jrt, Path torporJar, Path out) throws Exception {
        java.util.TreeMap<String, byte[]> files = new java.util.TreeMap<>();
        java.util.Set<String> executables = new java.util.HashSet<>();
        java.util.Set<String> libs = new java.util.TreeSet<>();
        try (Stream<Path> s = Files.walk(jrt)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(f)) {
                    String rel = "opt/jrt/" + jrt.relativize(f);
                    files.put(rel, Files.readAllBytes(f));
                    if (Files.isExecutable(f)) {
                        executables.add(rel);
                    }
                    if (f.toString().endsWith(".so") || rel.equals("opt/jrt/bin/java")) {
                        for (String line : run(jrt, "ldd", f.toString()).split("\n")) {
                            Matcher m = Pattern.compile("(/\\S+) \\(0x").matcher(line.trim());
                            if (m.find() && !m.group(1).startsWith(jrt.toString())) {
                                libs.add(m.group(1));
                            }
                        }
                    }
                }
            }
        }
        for (String lib : libs) {
            files.put(lib.substring(1), Files.readAllBytes(Path.of(lib).toRealPath()));
            executables.add(lib.substring(1));
        }
        files.put("opt/torpor.jar", Files.readAllBytes(torporJar));
        byte[] right = new byte[32];
        byte[] wrong = new byte[32];
        new java.util.Random(2026).nextBytes(right);
        new java.util.Random(4711).nextBytes(wrong);
        files.put("keys/right.key", right);
        files.put("keys/wrong.key", wrong);
        java.util.TreeSet<String> dirs = new java.util.TreeSet<>();
        for (String f : files.keySet()) {
            for (Path d = Path.of(f).getParent(); d != null; d = d.getParent()) {
                dirs.add(d.toString());
            }
        }
        try (OutputStream o = Files.newOutputStream(out)) {
            Files.copy(base, o); // a gzip member with the base archive; a second member follows
            try (OutputStream gz = new GZIPOutputStream(new java.io.FilterOutputStream(o) {
                @Override
                public void close() throws IOException {
                    flush(); // keep the file open for the outer stream
                }
            })) {
                Cpio cpio = new Cpio(gz);
                for (String d : dirs) { // sorted: parents first
                    cpio.directory(d);
                }
                for (java.util.Map.Entry<String, byte[]> e : files.entrySet()) {
                    cpio.file(e.getKey(), e.getValue(), executables.contains(e.getKey()) ? 0755 : 0644);
                }
                cpio.trailer();
            }
        }
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
        Path initrd = dir.resolve(pkg + "-" + initHash() + ".initrd.gz"); // a changed init script makes a new one
        if (!Files.exists(initrd)) {
            buildInitrd(extracted, initrd);
        }
        return new GuestKit(kernel, initrd, "256M");
    }

    /** The first 8 hex digits of the SHA-256 of the guest init script. */
    private static String initHash() throws Exception {
        try (var in = GuestKit.class.getResourceAsStream("/qemu/init")) {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            return String.format("%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
        }
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
        return boot(disk, "torpor.mode=" + mode, timeoutSeconds, false);
    }

    /**
     * Boots the guest on {@code disk} with extra kernel arguments ({@code torpor.mode=…} and others the init script
     * reads); {@code verbose} shows the kernel's informational messages (its hibernation timing lines).
     */
    public String boot(Path disk, String args, int timeoutSeconds, boolean verbose) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg", "-m", memory,
                "-smp", "1", "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 sysrq_always_enabled=1 " + (verbose ? "loglevel=7" : "quiet") + " " + args,
                "-drive", "file=" + disk + ",if=virtio,format=raw", "-nographic", "-no-reboot"));
        String monitor = System.getProperty("torpor.qemu.monitor"); // debugging: a QEMU monitor socket (sendkey ...)
        if (monitor != null) {
            cmd.addAll(List.of("-monitor", "unix:" + monitor + ",server,nowait"));
        }
        long started = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Path live = initrd.getParent().resolve("console-live.log"); // follow a running guest: tail -f this file
        Thread reader = new Thread(() -> {
            try (OutputStream file = Files.newOutputStream(live)) {
                byte[] buf = new byte[8192];
                for (int n; (n = p.getInputStream().read(buf)) > 0; ) {
                    console.write(buf, 0, n);
                    file.write(buf, 0, n);
                    file.flush();
                }
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
        System.out.printf("guest %s [%s] ran %d s%n", kernel.getFileName(), args,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
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
