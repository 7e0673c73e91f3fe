package dev.torpor.guest;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The guests' initramfs: a static busybox, the kernel's virtio and LZ4 modules and Torpor's guest init
 * ({@code init} next to this class: {@code torpor.mode=} on the kernel command line says what the guest does);
 * optionally a second gzip member with a Java runtime, the glibc libraries it needs and {@code torpor.jar}.
 */
public final class Initramfs {
    /**
     * Modules for a virtio disk and the LZ4 compressor, in dependency order; those a kernel builds in are not in
     * its package and are skipped.
     */
    static final List<String> MODULES = List.of("virtio_ring", "virtio", "virtio_pci_legacy_dev",
            "virtio_pci_modern_dev", "virtio_pci", "virtio_blk", "lz4_compress", "lz4");
    private static final Pattern LDD_PATH = Pattern.compile("(/\\S+) \\(0x");

    private Initramfs() {
    }

    /** The guest init script. */
    public static byte[] init() throws IOException {
        try (InputStream in = Initramfs.class.getResourceAsStream("init")) {
            if (in == null) {
                throw new IOException("the guest init script is missing from the class path");
            }
            return in.readAllBytes();
        }
    }

    /** torpor's {@code jvm.options}: the guest init reads the options of hibernate and resume from it. */
    static byte[] jvmOptions() throws IOException {
        try (InputStream in = Initramfs.class.getResourceAsStream("/dev/torpor/tools/jvm.options")) {
            if (in == null) {
                throw new IOException("jvm.options is missing from the class path");
            }
            return in.readAllBytes();
        }
    }

    /** The first 8 hex digits of the init script's SHA-256: cached initramfs names carry it. */
    public static String initHash() throws IOException {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(init());
            return String.format("%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the base initramfs for {@code kernel} (busybox, modules, init) to {@code out}. */
    public static void writeBase(DebianKernel kernel, Path busybox, Path out) throws IOException {
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(partial))) {
            Cpio cpio = new Cpio(o);
            for (String d : List.of("bin", "mods", "proc", "sys", "dev", "run")) {
                cpio.directory(d);
            }
            cpio.file("bin/busybox", Files.readAllBytes(busybox), 0755);
            Map<String, Path> found = new HashMap<>();
            try (Stream<Path> s = Files.walk(kernel.modules())) {
                for (Path ko : (Iterable<Path>) s::iterator) {
                    String file = ko.getFileName().toString();
                    String name = file.replaceAll("\\.ko(\\.xz)?$", "");
                    if (Files.isRegularFile(ko) && !name.equals(file) && MODULES.contains(name)) {
                        found.put(name, ko);
                    }
                }
            }
            StringBuilder order = new StringBuilder();
            for (String m : MODULES) {
                Path ko = found.get(m);
                if (ko != null) { // else built into this kernel
                    byte[] data = ko.toString().endsWith(".xz") ? unxz(ko) : Files.readAllBytes(ko);
                    cpio.file("mods/" + m + ".ko", data, 0644);
                    order.append(m).append('\n');
                }
            }
            cpio.file("mods/order", order.toString().getBytes(StandardCharsets.US_ASCII), 0644);
            cpio.file("init", init(), 0755);
            cpio.trailer();
        }
        Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Writes {@code base} followed by a second gzip member (the kernel unpacks them in turn) holding {@code jrt} at
     * {@code /opt/jrt}, the host libraries its binaries link to, {@code torpor.jar} at {@code /opt/torpor.jar}, its
     * {@code jvm.options} at {@code /opt/jvm.options} and
     * {@code extra} files (path in the archive → content).
     */
    public static void writeWithJava(Path base, Path jrt, Path torporJar, Map<String, byte[]> extra, Path out)
            throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        Set<String> executables = new HashSet<>();
        Set<String> libs = new TreeSet<>();
        try (Stream<Path> s = Files.walk(jrt)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(f)) {
                    String rel = "opt/jrt/" + jrt.relativize(f);
                    files.put(rel, Files.readAllBytes(f));
                    if (Files.isExecutable(f)) {
                        executables.add(rel);
                    }
                    if (f.toString().endsWith(".so") || rel.equals("opt/jrt/bin/java")) {
                        for (String line : HostProgram.run(jrt, "ldd", f.toString()).split("\n")) {
                            Matcher m = LDD_PATH.matcher(line.trim());
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
        files.put("opt/jvm.options", jvmOptions());
        files.putAll(extra);
        Set<String> dirs = new TreeSet<>(); // sorted: parents first
        for (String f : files.keySet()) {
            for (Path d = Path.of(f).getParent(); d != null; d = d.getParent()) {
                dirs.add(d.toString());
            }
        }
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        try (OutputStream o = Files.newOutputStream(partial)) {
            Files.copy(base, o);
            try (OutputStream gz = new GZIPOutputStream(new FilterOutputStream(o) {
                @Override
                public void close() throws IOException {
                    flush(); // the outer stream closes the file
                }
            })) {
                Cpio cpio = new Cpio(gz);
                for (String d : dirs) {
                    cpio.directory(d);
                }
                for (Map.Entry<String, byte[]> e : files.entrySet()) {
                    cpio.file(e.getKey(), e.getValue(), executables.contains(e.getKey()) ? 0755 : 0644);
                }
                cpio.trailer();
            }
        }
        Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
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
}
