package dev.torpor.tools;

import dev.torpor.hibernation.HibernationRefused;
import dev.torpor.hibernation.RunningKernel;
import dev.torpor.platform.linux.FileDevices;
import dev.torpor.platform.linux.Fiemap;
import dev.torpor.platform.linux.HibernationReadiness;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.swap.format.SwapSignature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What hibernate checks before it rehearses or freezes anything, so that a machine that cannot hibernate is told
 * why at once: kernel lockdown, a swap device that does not exist, and a resume offset whose page is not a swap
 * header (typically a swap file made again after its offset was written down).
 */
final class Preflight {

    /** The swap area to check: the device and offset, where each was found, and the system's active swap files. */
    record Target(Path device, String deviceSource, long offset, String offsetSource, int pageSize,
                  List<Path> swapFiles) {
    }

    private Preflight() {
    }

    /** A locked-down kernel refuses hibernation (as systemd's logind says, too). */
    static void lockdown(LinuxFacts facts) throws IOException {
        Optional<String> mode = facts.lockdown();
        if (mode.isPresent() && LinuxFacts.lockdownForbidsHibernation(mode.get())) {
            throw new HibernationRefused(HibernationReadiness.lockdownReason(mode.get(), facts.secureBoot().orElse(false)));
        }
    }

    /** The active swap files of {@code facts} ({@code /proc/swaps}). */
    static List<Path> activeSwapFiles(LinuxFacts facts) throws IOException {
        List<Path> files = new ArrayList<>();
        for (LinuxFacts.SwapArea a : facts.swaps()) {
            if (a.type().equals("file")) {
                files.add(Path.of(a.filename()));
            }
        }
        return files;
    }

    /** The device exists and its page at the offset carries a swap (or old image) signature. */
    static void swapArea(Target t) throws IOException {
        if (!Files.exists(t.device())) {
            throw new HibernationRefused("the swap device " + t.device() + " (" + t.deviceSource() + ") does not exist; name an "
                    + "existing one (blkid and swapon --show list them) with --device or device = in "
                    + ConfigFile.DEFAULT + ", or fix resume= on the kernel command line");
        }
        long at = Math.multiplyExact(t.offset(), (long) t.pageSize());
        long size = RunningKernel.size(t.device());
        if (size >= 0 && at + t.pageSize() > size) {
            throw new HibernationRefused("resume_offset " + t.offset() + " (" + t.offsetSource() + ") is past the end of "
                    + t.device() + " (" + size + " bytes)" + hint(t));
        }
        boolean signed = signedAt(t.device(), at, t.pageSize());
        if (t.offset() == 0) {
            if (!signed) {
                throw new HibernationRefused(t.device() + " (" + t.deviceSource() + ") holds no swap area: its first page has no "
                        + "swap signature. Give the swap partition (swapon --show), or a swap file's resume offset"
                        + hint(t));
            }
            return;
        }
        // the kernel takes an offset only where an active swap file starts; an old header left in freed blocks by a
        // swap file made again elsewhere still looks right, so the offset is checked against the files themselves
        if (!signed || startOfActiveSwapFile(t).isEmpty()) {
            throw new HibernationRefused("resume_offset " + t.offset() + " (" + t.offsetSource() + ") is stale or wrong: no active "
                    + "swap file on " + t.device() + " starts at page " + t.offset() + hint(t));
        }
    }

    /** Whether {@code file} is stored on {@code dev} (its btrfs mount's device, on btrfs). */
    private static boolean storedOn(Path file, LinuxFacts.DeviceNumber dev) {
        try {
            return FileDevices.storageDeviceOf(file).equals(dev);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the page at byte {@code at} of {@code device} ends in a swap or image signature. */
    static boolean signedAt(Path device, long at, int pageSize) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(pageSize);
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.READ)) {
            while (page.hasRemaining() && ch.read(page, at + page.position()) > 0) {
                // fill the page
            }
        }
        return SwapSignature.at(page, pageSize - SwapSignature.LENGTH).isPresent();
    }

    private static Optional<Path> startOfActiveSwapFile(Target t) throws IOException {
        LinuxFacts.DeviceNumber dev = FileDevices.numberOf(t.device());
        for (Path f : t.swapFiles()) {
            if (Files.isRegularFile(f) && storedOn(f, dev)) {
                try {
                    if (Fiemap.resumeOffset(f, Files.size(f), t.pageSize()) == t.offset()) {
                        return Optional.of(f);
                    }
                } catch (IOException e) {
                    // not one the kernel could use: the hint says why
                }
            }
        }
        return Optional.empty();
    }

    /** The resume offset of each active swap file on the device, as a hint. */
    private static String hint(Target t) throws IOException {
        StringBuilder b = new StringBuilder();
        LinuxFacts.DeviceNumber dev = FileDevices.numberOf(t.device());
        for (Path f : t.swapFiles()) {
            if (Files.isRegularFile(f) && storedOn(f, dev)) {
                try {
                    long real = Fiemap.resumeOffset(f, Files.size(f), t.pageSize());
                    b.append(b.length() == 0 ? ". " : "; ").append("The swap file ").append(f)
                            .append(" starts at page ").append(real).append(": use resume_offset=").append(real)
                            .append(" (torpor swap-offset ").append(f).append(" prints it), and update the kernel "
                                    + "command line or resume-offset = in ").append(ConfigFile.DEFAULT)
                            .append(" to match");
                } catch (IOException e) {
                    b.append(b.length() == 0 ? ". " : "; ").append("The swap file ").append(f).append(" cannot be "
                            + "hibernated to: ").append(e.getMessage());
                }
            }
        }
        return b.toString();
    }
}
