package dev.torpor.packaging.debian;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A debootstrapped Debian system tree (minbase with systemd, udev, dbus, linux-image-amd64 and an initramfs
 * generator), made once per suite and kept with debootstrap's downloads under the cache folder, so that later runs on
 * the same machine only copy it. The mirror is the Debian archive this machine's apt is configured with.
 */
final class DebianRoot {
    static final List<String> PACKAGES = List.of("systemd", "systemd-sysv", "udev", "dbus", "linux-image-amd64",
            "kmod", "procps", "iproute2");

    /** What makes the initramfs: Debian's default, or dracut. */
    enum Generator {
        INITRAMFS_TOOLS("initramfs-tools"), DRACUT("dracut");

        final String pkg;

        Generator(String pkg) {
            this.pkg = pkg;
        }
    }

    private DebianRoot() {
    }

    /** The pristine tree of {@code suite} (bookworm, trixie), debootstrapping it first if the cache has none. */
    static Path ensure(Path cache, String suite, List<String> extra) throws IOException {
        return ensure(cache, suite, Generator.INITRAMFS_TOOLS, extra);
    }

    /** A lock per tree: tests running side by side make different trees at the same time. */
    private static final java.util.Map<String, Object> LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    /** As {@link #ensure(Path, String, List)}, with the initramfs made by {@code generator}. */
    static Path ensure(Path cache, String suite, Generator generator, List<String> extra) throws IOException {
        String name = suite + (generator == Generator.DRACUT ? "-dracut" : "")
                + (extra.isEmpty() ? "" : "-" + String.join("-", extra));
        // a tree made from another one locks that one inside its own: always the plain tree last, so no cycle
        synchronized (LOCKS.computeIfAbsent(cache.toAbsolutePath() + "/" + name, k -> new Object())) {
            return ensureLocked(cache, suite, generator, extra, name);
        }
    }

    private static Path ensureLocked(Path cache, String suite, Generator generator, List<String> extra, String name)
            throws IOException {
        Path root = cache.resolve(name);
        if (Files.exists(root.resolve(".torpor-complete"))) {
            return root;
        }
        Path partial = cache.resolve(name + ".partial");
        // debootstrap's downloads, a folder per suite: two debootstraps may run at once
        Path debs = Files.createDirectories(cache.resolve("debs").resolve(suite));
        Sh.run(cache, "rm", "-rf", partial.toString(), root.toString());
        if (generator == Generator.INITRAMFS_TOOLS && !extra.isEmpty()) {
            // more packages: installed with apt in a copy of the plain tree, as an administrator adds them, which is
            // quicker than a second debootstrap
            aptInCopy(cache, ensure(cache, suite, Generator.INITRAMFS_TOOLS, List.of()), partial,
                    "apt-get install -y -qq --no-install-recommends " + String.join(" ", extra));
        } else if (generator == Generator.DRACUT) {
            // debootstrap follows linux-image's "initramfs-tools | linux-initramfs-tool" to initramfs-tools, which
            // conflicts with dracut: so apt swaps them in a copy of the initramfs-tools tree, as an administrator does
            aptInCopy(cache, ensure(cache, suite, Generator.INITRAMFS_TOOLS, extra), partial,
                    "apt-get install -y -qq --no-install-recommends dracut && dracut --regenerate-all --force");
        } else {
            List<String> packages = new java.util.ArrayList<>(PACKAGES);
            packages.add(generator.pkg);
            packages.addAll(extra);
            Sh.run(cache, Duration.ofMinutes(20), "debootstrap", "--variant=minbase",
                    "--cache-dir=" + debs.toAbsolutePath(), "--include=" + String.join(",", packages),
                    suite, partial.toString(), mirror());
        }
        Sh.run(cache, "mv", partial.toString(), root.toString());
        Files.writeString(root.resolve(".torpor-complete"), suite + "\n");
        return root;
    }

    /**
     * {@code partial} as a copy of the tree {@code base}, then {@code command} (apt-get) in it with fresh lists,
     * which are removed again with apt's downloads.
     */
    private static void aptInCopy(Path cache, Path base, Path partial, String command) throws IOException {
        Sh.run(cache, "cp", "-a", "--reflink=auto", base.toString(), partial.toString());
        Files.copy(Path.of("/etc/resolv.conf"), partial.resolve("etc/resolv.conf"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        DebianSystem.chroot(partial, Duration.ofMinutes(20), "apt-get update -qq && " + command
                + " && apt-get clean && rm -rf /var/lib/apt/lists/*");
    }

    /** The first Debian archive URI in this machine's apt sources (deb822 or one-line), without naming one here. */
    static String mirror() throws IOException {
        Pattern deb822 = Pattern.compile("(?m)^URIs:\\s*(\\S+)");
        Pattern oneLine = Pattern.compile("(?m)^deb\\s+(?:\\[[^]]*]\\s+)?(\\S+)\\s+\\S+");
        List<Path> files = new java.util.ArrayList<>(List.of(Path.of("/etc/apt/sources.list")));
        Path dir = Path.of("/etc/apt/sources.list.d");
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list")).sorted()
                        .forEach(files::add);
            }
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            String text = Files.readString(f);
            Matcher m = (f.toString().endsWith(".sources") ? deb822 : oneLine).matcher(text);
            while (m.find()) {
                String uri = m.group(1);
                if (uri.matches("https?://.*/debian/?") && !uri.contains("security")) {
                    return uri;
                }
            }
        }
        return Optional.ofNullable(System.getenv("TORPOR_DEBIAN_MIRROR")).orElseThrow(() -> new IOException(
                "no Debian archive in /etc/apt/sources.list*; set TORPOR_DEBIAN_MIRROR"));
    }
}
