package dev.torpor.guest.qemu;

import dev.torpor.guest.HostProgram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The debug {@code vmlinux} of a Debian kernel release, from its {@code linux-image-RELEASE-dbg} package (about 1 GB):
 * downloaded once, only the {@code vmlinux} kept, in {@code ~/.cache/torpor/dbg/RELEASE/}.
 */
final class DebugVmlinux {
    private DebugVmlinux() {
    }

    static synchronized Path of(String release, String sourcesLine) throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("user.home"), ".cache", "torpor", "dbg", release));
        Path vmlinux = dir.resolve("vmlinux");
        if (Files.isRegularFile(vmlinux)) {
            return vmlinux;
        }
        List<String> apt = new ArrayList<>(List.of("apt-get"));
        if (sourcesLine != null) {
            Path lists = Files.createDirectories(dir.resolve("apt-lists").resolve("partial")).getParent();
            Path sources = Files.writeString(dir.resolve("sources.list"), sourcesLine + "\n");
            apt.addAll(List.of("-o", "Dir::Etc::sourcelist=" + sources, "-o", "Dir::Etc::sourceparts=/nonexistent",
                    "-o", "Dir::State::Lists=" + lists));
            List<String> update = new ArrayList<>(apt);
            update.addAll(List.of("update", "-qq"));
            HostProgram.run(dir, update.toArray(String[]::new));
        }
        String pkg = "linux-image-" + release + "-dbg";
        apt.addAll(List.of("download", "-qq", pkg));
        HostProgram.run(dir, apt.toArray(String[]::new));
        Path deb;
        try (Stream<Path> s = Files.list(dir)) {
            deb = s.filter(p -> p.getFileName().toString().startsWith(pkg + "_") && p.toString().endsWith(".deb"))
                    .findFirst().orElseThrow(() -> new IOException("apt-get download " + pkg + " left no .deb"));
        }
        String inside = "./usr/lib/debug/boot/vmlinux-" + release;
        HostProgram.run(dir, "bash", "-c", "set -o pipefail; dpkg-deb --fsys-tarfile '" + deb + "' | tar -x -O '" + inside + "' > vmlinux.partial");
        Files.move(dir.resolve("vmlinux.partial"), vmlinux); // only a whole file counts as fetched
        Files.delete(deb);
        return vmlinux;
    }
}
