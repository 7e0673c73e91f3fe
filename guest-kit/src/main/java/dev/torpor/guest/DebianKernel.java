package dev.torpor.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Debian kernel package unpacked on the host: its {@code vmlinuz} and its modules.
 *
 * @param packageName the versioned package, e.g. {@code linux-image-6.1.0-28-amd64}
 * @param release     the kernel release, e.g. {@code 6.1.0-28-amd64}
 * @param vmlinuz     the bootable kernel
 * @param modules     the package's module tree ({@code lib/modules/RELEASE})
 */
public record DebianKernel(String packageName, String release, Path vmlinuz, Path modules) {

    /**
     * Fetches (once; later calls find it under {@code cache}) the kernel that {@code metaPackage} depends on, e.g.
     * {@code linux-image-amd64}. With a {@code sourcesLine} (a one-line sources.list, e.g. bookworm-backports) the
     * package lists are private to {@code cache}, so the host's apt setup is untouched; without it the host's lists
     * are used.
     */
    public static synchronized DebianKernel fetch(Path cache, String metaPackage, String sourcesLine)
            throws IOException {
        Path dir = Files.createDirectories(cache.toAbsolutePath());
        List<String> apt = new ArrayList<>();
        if (sourcesLine != null) {
            Path lists = Files.createDirectories(dir.resolve("apt-lists").resolve("partial")).getParent();
            Path sources = Files.writeString(dir.resolve("sources.list"), sourcesLine + "\n");
            apt = List.of("-o", "Dir::Etc::sourcelist=" + sources, "-o", "Dir::Etc::sourceparts=/nonexistent",
                    "-o", "Dir::State::Lists=" + lists);
            HostProgram.run(dir, command("apt-get", apt, "update", "-qq"));
        }
        String pkg = metaPackage.matches("linux-image-\\d.*") ? metaPackage : resolve(dir, metaPackage, apt);
        Path extracted = dir.resolve(pkg);
        if (!Files.isDirectory(extracted.resolve("boot"))) {
            HostProgram.run(dir, command("apt-get", apt, "download", "-qq", pkg));
            Path deb;
            try (Stream<Path> s = Files.list(dir)) {
                deb = s.filter(p -> p.getFileName().toString().startsWith(pkg + "_")
                        && p.toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new IOException("apt-get download " + pkg + " left no .deb in " + dir));
            }
            Path partial = dir.resolve(pkg + ".partial");
            HostProgram.run(dir, "rm", "-rf", partial.toString());
            HostProgram.run(dir, "dpkg-deb", "-x", deb.toString(), partial.toString());
            Files.move(partial, extracted); // only a completely unpacked package counts as fetched
            Files.delete(deb);
        }
        Path vmlinuz;
        try (Stream<Path> s = Files.list(extracted.resolve("boot"))) {
            vmlinuz = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).findFirst()
                    .orElseThrow(() -> new IOException(pkg + " has no boot/vmlinuz-*"));
        }
        String release = vmlinuz.getFileName().toString().substring("vmlinuz-".length());
        Path modules = extracted.resolve("lib/modules").resolve(release);
        if (!Files.isDirectory(modules)) {
            modules = extracted.resolve("usr/lib/modules").resolve(release);
        }
        return new DebianKernel(pkg, release, vmlinuz, modules);
    }

    /** The versioned kernel package a meta-package (e.g. linux-image-amd64) depends on. */
    static String resolve(Path dir, String metaPackage, List<String> apt) throws IOException {
        String deps;
        try {
            deps = HostProgram.run(dir, command("apt-cache", apt, "depends", metaPackage));
        } catch (IOException e) {
            throw new IOException("apt knows no package " + metaPackage + " (run apt-get update?): "
                    + e.getMessage(), e);
        }
        Matcher m = Pattern.compile("Depends: (linux-image-\\S+)").matcher(deps);
        if (!m.find()) {
            throw new IOException("apt knows no kernel behind " + metaPackage + " (run apt-get update?):\n" + deps);
        }
        return m.group(1);
    }

    private static String[] command(String program, List<String> options, String... args) {
        List<String> cmd = new ArrayList<>(List.of(program));
        cmd.addAll(options);
        cmd.addAll(List.of(args));
        return cmd.toArray(new String[0]);
    }
}
