package dev.torpor.packaging.debian;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A Debian system on a disk image, made from a pristine debootstrapped tree: a DOS partition table with a swap
 * partition (vda1) and an ext4 root (vda2), fstab and initramfs-tools' RESUME= by UUID as Debian's installer writes
 * them, Torpor's test driver (torpor-test.service) and a system-sleep hook. The Torpor package is installed with
 * dpkg in a chroot, so that its maintainer scripts and the system's own update-initramfs build the initramfs.
 * No loop device or mount of the host is needed: the partitions are made as files and copied into the disk.
 */
final class DebianSystem {
    static final long MIB = 1 << 20;
    static final long SWAP_MIB = 1024;
    static final long ROOT_MIB = 3072;

    /**
     * Where the swap area is: a partition before the root one, a file in the root file system, or a logical volume
     * in a volume group on a partition before the root one (the guest makes the group on its first boot: the host
     * has no device-mapper).
     */
    enum Swap { PARTITION, FILE, LVM }

    /** The disk, the kernel and initramfs to boot, the UUIDs, and what installing the package printed. */
    record Built(Swap swap, Path disk, Path kernel, Path initrd, String release, String rootUuid, String swapUuid,
                 long initrdBytesBefore, long initrdBytesAfter, String installLog, String afterLog,
                 Duration buildTime) {
        /** Byte offset of the swap partition in the disk. */
        long swapOffset() {
            return MIB;
        }

        long swapBytes() {
            return SWAP_MIB * MIB;
        }

        long rootOffset() {
            return swap == Swap.FILE ? MIB : MIB + SWAP_MIB * MIB;
        }

        /** The root partition's device in the guest. */
        String rootDevice() {
            return swap == Swap.FILE ? "/dev/vda1" : "/dev/vda2";
        }

        /**
         * The same system for another case: the disk (sparse), kernel and initramfs copied into {@code work}. A case
         * changes its disk by booting, so cases never share one; building once is what they share.
         */
        Built copyTo(Path work) throws IOException {
            Files.createDirectories(work);
            Path d = work.resolve("disk.img");
            Path k = work.resolve("vmlinuz");
            Path i = work.resolve("initrd.img");
            Sh.run(work, Duration.ofMinutes(5), "cp", "--sparse=always", "--reflink=auto", disk.toString(),
                    d.toString());
            Files.copy(kernel, k, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(initrd, i, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new Built(swap, d, k, i, release, rootUuid, swapUuid, initrdBytesBefore, initrdBytesAfter,
                    installLog, afterLog, Duration.ZERO);
        }

        /** The kernel command line of a normal boot of this system. */
        String commandLine() {
            return "root=UUID=" + rootUuid + " ro no_console_suspend";
        }
    }

    private DebianSystem() {
    }

    /** Builds the system in {@code work} from {@code pristine}, with {@code deb} installed when it is not null. */
    static Built build(Path pristine, Path work, Path deb) throws IOException {
        return build(pristine, work, deb, Swap.PARTITION, null);
    }

    /**
     * As {@link #build(Path, Path, Path)}; with a swap file the guest makes it itself on its first boot.
     * {@code afterInstall}, when not null, is a shell command run in the chroot after the package is installed.
     */
    static Built build(Path pristine, Path work, Path deb, Swap swap, String afterInstall) throws IOException {
        long start = System.nanoTime();
        Path root = work.resolve("root");
        Sh.run(work, "rm", "-rf", root.toString());
        Files.createDirectories(work);
        Sh.run(work, "cp", "-a", "--reflink=auto", pristine.toString(), root.toString());
        String rootUuid = UUID.randomUUID().toString();
        String swapUuid = UUID.randomUUID().toString();
        Files.writeString(root.resolve("etc/fstab"), "UUID=" + rootUuid + " / ext4 errors=remount-ro 0 1\n"
                + (swap == Swap.PARTITION ? "UUID=" + swapUuid + " none swap sw 0 0\n" : ""));
        Files.writeString(root.resolve("etc/hostname"), "torpor-test\n");
        Files.writeString(root.resolve("etc/machine-id"), UUID.randomUUID().toString().replace("-", "") + "\n");
        Files.createDirectories(root.resolve("etc/initramfs-tools/conf.d"));
        if (swap == Swap.PARTITION) { // as Debian's installer writes it; a swap file takes resume= resume_offset=
            Files.writeString(root.resolve("etc/initramfs-tools/conf.d/resume"), "RESUME=UUID=" + swapUuid + "\n");
        }
        install(root, "usr/local/sbin/torpor-test", "torpor-test", true);
        install(root, "usr/local/sbin/torpor-marker", "torpor-marker", true);
        install(root, "etc/systemd/system/torpor-test.service", "torpor-test.service", false);
        install(root, "usr/lib/systemd/system-sleep/torpor-test", "torpor-test-hook", true);
        Path wants = Files.createDirectories(root.resolve("etc/systemd/system/multi-user.target.wants"));
        Files.deleteIfExists(wants.resolve("torpor-test.service"));
        Files.createSymbolicLink(wants.resolve("torpor-test.service"), Path.of("/etc/systemd/system/torpor-test.service"));
        String release = release(root);
        Path initrd = root.resolve("boot/initrd.img-" + release);
        long before = Files.size(initrd);
        String log = "";
        if (deb != null) {
            Files.copy(deb, root.resolve("tmp/torpor.deb"));
            log = chroot(root, Duration.ofMinutes(10), "dpkg -i /tmp/torpor.deb");
            Files.delete(root.resolve("tmp/torpor.deb"));
        }
        long after = Files.size(initrd);
        String afterLog = afterInstall == null ? "" : chroot(root, Duration.ofMinutes(10), afterInstall);
        Path kernel = Files.copy(root.resolve("boot/vmlinuz-" + release), work.resolve("vmlinuz"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path initrdCopy = Files.copy(initrd, work.resolve("initrd.img"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path disk = work.resolve("disk.img");
        makeDisk(work, root, disk, rootUuid, swap, swapUuid);
        Sh.run(work, "rm", "-rf", root.toString());
        return new Built(swap, disk, kernel, initrdCopy, release, rootUuid, swapUuid, before, after, log, afterLog,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** Runs a shell command in the tree, with /dev, /proc, /sys and /run in a mount namespace of its own. */
    static String chroot(Path root, Duration timeout, String command) throws IOException {
        String r = Sh.quote(root);
        return Sh.run(root.getParent(), timeout, "unshare", "--mount", "--propagation", "private", "bash", "-c",
                "set -e; mount --bind /dev " + r + "/dev; mount -t proc proc " + r + "/proc; mount -t sysfs sys " + r
                        + "/sys; mount -t tmpfs run " + r + "/run; chroot " + r + " /bin/sh -c " + Sh.quote(
                        "export PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive; " + command));
    }

    /** The one kernel release in the tree's /boot. */
    static String release(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("boot"))) {
            List<String> r = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vmlinuz-"))
                    .map(n -> n.substring("vmlinuz-".length())).sorted().toList();
            if (r.isEmpty()) {
                throw new IOException("no kernel in " + root.resolve("boot"));
            }
            return r.get(r.size() - 1);
        }
    }

    private static void makeDisk(Path work, Path root, Path disk, String rootUuid, Swap kind, String swapUuid)
            throws IOException {
        Path swap = work.resolve("swap.part");
        Path ext4 = work.resolve("root.part");
        Sh.run(work, "rm", "-f", swap.toString(), ext4.toString(), disk.toString());
        long swapMib = kind == Swap.FILE ? 0 : SWAP_MIB;
        long rootMib = ROOT_MIB + (kind == Swap.FILE ? SWAP_MIB + 512 : 0); // room for the swap file
        Sh.run(work, "truncate", "-s", rootMib + "M", ext4.toString());
        Sh.run(work, Duration.ofMinutes(10), "mkfs.ext4", "-q", "-F", "-U", rootUuid, "-d", root.toString(),
                ext4.toString());
        Sh.run(work, "truncate", "-s", (1 + swapMib + rootMib + 1) + "M", disk.toString());
        String table = kind == Swap.FILE ? "label: dos\\nstart=2048, size=" + rootMib * 2048 + ", type=83\\n"
                : "label: dos\\nstart=2048, size=" + swapMib * 2048 + ", type=" + (kind == Swap.LVM ? "8e" : "82")
                        + "\\nstart=" + (2048 + swapMib * 2048) + ", size=" + rootMib * 2048 + ", type=83\\n";
        Sh.bash(work, Duration.ofMinutes(1), "printf '" + table + "' | sfdisk --quiet " + Sh.quote(disk));
        if (kind == Swap.PARTITION) {
            Sh.run(work, "truncate", "-s", swapMib + "M", swap.toString());
            Sh.run(work, "mkswap", "-U", swapUuid, swap.toString());
            Sh.run(work, "dd", "if=" + swap, "of=" + disk, "bs=1M", "seek=1", "conv=notrunc,sparse", "status=none");
            Files.delete(swap);
        }
        Sh.run(work, Duration.ofMinutes(5), "dd", "if=" + ext4, "of=" + disk, "bs=1M", "seek=" + (1 + swapMib),
                "conv=notrunc,sparse", "status=none");
        Files.delete(ext4);
    }

    /** The root partition's size in MiB. */
    static long rootMib(Built b) {
        return ROOT_MIB + (b.swap() == Swap.FILE ? SWAP_MIB + 512 : 0);
    }

    private static void install(Path root, String path, String resource, boolean executable) throws IOException {
        Path target = root.resolve(path);
        Files.createDirectories(target.getParent());
        try (InputStream in = DebianSystem.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("test resource " + resource + " is missing");
            }
            Files.write(target, in.readAllBytes());
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }
}
