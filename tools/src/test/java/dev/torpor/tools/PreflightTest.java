package dev.torpor.tools;

import dev.torpor.platform.linux.Fiemap;
import dev.torpor.platform.linux.LinuxFacts;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hibernate's checks before anything is rehearsed, on a real ext4 on a loop device with swap files made by dd and
 * mkswap, and on fixture trees for lockdown.
 */
class PreflightTest {
    @TempDir
    Path tmp;

    @Tag("root")
    @Test
    void aSwapFileMadeAgainMakesTheOldResumeOffsetStaleAndTheMessageGivesTheNewOne() throws Exception {
        Path image = tmp.resolve("ext4.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(64L << 20);
        }
        HostCommand.run("mkfs.ext4", "-q", "-F", "-b", "4096", image.toString());
        Path loop = Path.of(HostCommand.run("losetup", "--find", "--show", image.toString()).trim());
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        try {
            HostCommand.run("mount", "-t", "ext4", loop.toString(), mnt.toString());
            try {
                Path swap = mnt.resolve("swapfile");
                makeSwapFile(swap);
                long old = Fiemap.resumeOffset(swap, Files.size(swap), 4096);
                assertThatCode(() -> Preflight.swapArea(target(loop, old, swap))).doesNotThrowAnyException();

                // made again as administrators do it, while the old one still exists: new blocks, and the old
                // header stays in the freed ones
                Path again = mnt.resolve("swapfile.new");
                makeSwapFile(again);
                Files.delete(swap);
                Files.move(again, swap);
                HostCommand.run("sync");
                long now = Fiemap.resumeOffset(swap, Files.size(swap), 4096);
                assertThat(now).isNotEqualTo(old);
                assertThat(signatureAt(loop, old)).as("the old header is still on the device").isEqualTo("SWAPSPACE2");
                assertThatThrownBy(() -> Preflight.swapArea(target(loop, old, swap)))
                        .isInstanceOf(dev.torpor.hibernation.HibernationRefused.class)
                        .hasMessageContaining("resume_offset " + old + " (resume_offset= of the kernel command line) "
                                + "is stale or wrong: no active swap file on " + loop + " starts at page " + old)
                        .hasMessageContaining("The swap file " + swap + " starts at page " + now + ": use resume_offset="
                                + now);
                assertThatCode(() -> Preflight.swapArea(target(loop, now, swap))).doesNotThrowAnyException();

                assertThatThrownBy(() -> Preflight.swapArea(target(loop, 0, swap)))
                        .isInstanceOf(dev.torpor.hibernation.HibernationRefused.class)
                        .hasMessageContaining(loop + " (test) holds no swap area: its first page has no swap signature")
                        .hasMessageContaining("use resume_offset=" + now);
                assertThatThrownBy(() -> Preflight.swapArea(target(loop, 1L << 20, swap)))
                        .hasMessageContaining("resume_offset 1048576 (resume_offset= of the kernel command line) is "
                                + "past the end of " + loop + " (67108864 bytes)");
            } finally {
                HostCommand.run("umount", mnt.toString());
            }
        } finally {
            HostCommand.run("losetup", "-d", loop.toString());
        }
    }

    /**
     * A swap file on btrfs, made by btrfs-progs: its files carry an anonymous device number (0:N), so the device is
     * the mount's, and the offset is the chunk-mapped one. Hibernation to it passes, and swap-offset names the device.
     */
    @Tag("root")
    @Test
    void aSwapFileOnBtrfsPassesAndSwapOffsetNamesItsDevice() throws Exception {
        Path image = tmp.resolve("btrfs.img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(1L << 30);
        }
        HostCommand.run("mkfs.btrfs", "-q", "-f", image.toString());
        Path loop = Path.of(HostCommand.run("losetup", "--find", "--show", image.toString()).trim());
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        try {
            HostCommand.run("mount", "-t", "btrfs", loop.toString(), mnt.toString());
            try {
                Path swap = mnt.resolve("swapfile");
                HostCommand.run("btrfs", "filesystem", "mkswapfile", "--size", "64m", swap.toString());
                long offset = Long.parseLong(HostCommand.run("btrfs", "inspect-internal", "map-swapfile", "-r",
                        swap.toString()).trim());
                assertThatCode(() -> Preflight.swapArea(target(loop, offset, swap))).doesNotThrowAnyException();
                Cli.Result r = Cli.run("swap-offset", swap.toString());
                assertThat(r.exit()).as(r.all()).isZero();
                assertThat(r.out()).contains("resume_offset=" + offset, "resume=" + loop);
            } finally {
                HostCommand.run("umount", mnt.toString());
            }
        } finally {
            HostCommand.run("losetup", "-d", loop.toString());
        }
    }

    @Test
    void aResumeDeviceThatDoesNotExistIsNamedWithWhereItCameFrom() {
        Path missing = Path.of("/dev/disk/by-uuid/0f1e2d3c-0000-4000-8000-00000000dead");
        assertThatThrownBy(() -> Preflight.swapArea(new Preflight.Target(missing, "resume= of the kernel command line",
                0, "default (a swap partition)", 4096, List.of())))
                .isInstanceOf(dev.torpor.hibernation.HibernationRefused.class)
                .hasMessage("the swap device " + missing + " (resume= of the kernel command line) does not exist; name "
                        + "an existing one (blkid and swapon --show list them) with --device or device = in "
                        + "/etc/torpor/torpor.conf, or fix resume= on the kernel command line");
        assertThat(Torpor.exitCode(new dev.torpor.hibernation.HibernationRefused("x"))).isEqualTo(ExitCodes.UNAVAILABLE);
    }

    @Test
    void aLockedDownKernelIsRefusedAndSecureBootIsNamedWhenItIsTheCause() throws Exception {
        Path root = tmp.resolve("root");
        Files.createDirectories(root.resolve("sys/kernel/security"));
        Files.writeString(root.resolve("sys/kernel/security/lockdown"), "none [integrity] confidentiality\n");
        assertThatThrownBy(() -> Preflight.lockdown(new LinuxFacts(root))).isInstanceOf(dev.torpor.hibernation.HibernationRefused.class)
                .hasMessage("the kernel is locked down (integrity), and a locked-down kernel refuses hibernation: an "
                        + "image on disk could be altered before resume. Boot without lockdown= on the kernel command "
                        + "line to hibernate");
        Path efivars = Files.createDirectories(root.resolve("sys/firmware/efi/efivars"));
        Files.write(efivars.resolve("SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"), new byte[] {6, 0, 0, 0, 1});
        assertThatThrownBy(() -> Preflight.lockdown(new LinuxFacts(root)))
                .hasMessageContaining("(integrity, because UEFI Secure Boot is on)")
                .hasMessageEndingWith("Turn Secure Boot off in the firmware settings to hibernate");
        Files.writeString(root.resolve("sys/kernel/security/lockdown"), "[none] integrity confidentiality\n");
        assertThatCode(() -> Preflight.lockdown(new LinuxFacts(root))).doesNotThrowAnyException();
    }

    private static Preflight.Target target(Path loop, long offset, Path swapFile) {
        return new Preflight.Target(loop, "test", offset, "resume_offset= of the kernel command line", 4096,
                List.of(swapFile));
    }

    private static void makeSwapFile(Path file) throws Exception {
        HostCommand.run("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=8", "status=none");
        HostCommand.run("chmod", "600", file.toString());
        HostCommand.run("mkswap", file.toString());
    }

    private static String signatureAt(Path dev, long page) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dev.toFile(), "r")) {
            byte[] sig = new byte[10];
            f.seek(page * 4096 + 4086);
            f.readFully(sig);
            return new String(sig, StandardCharsets.US_ASCII);
        }
    }
}
