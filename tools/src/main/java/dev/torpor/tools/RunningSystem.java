package dev.torpor.tools;

import dev.torpor.platform.linux.FileDevices;
import dev.torpor.platform.linux.LinuxFacts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** Facts about the running kernel that hibernate and resume need: target profile, swap device, resume offset. */
final class RunningSystem {

    private RunningSystem() {
    }

    /** A value found for a setting left to the running system, and where it was found. */
    record Found<T>(T value, String source) {
    }

    /**
     * The swap device: the one given (a path, or UUID=, PARTUUID=, LABEL=, PARTLABEL= as in fstab), else
     * {@code /sys/power/resume}, else {@code resume=} of the command line, else the active swap partition of the
     * highest priority that is not in RAM (zram swap can never hold an image).
     */
    static Found<Path> device(Settings.Value given, LinuxFacts facts) throws IOException {
        if (given.value() != null) {
            return new Found<>(named(given.value()), given.source());
        }
        Optional<LinuxFacts.DeviceNumber> sys = facts.resumeDevice().filter(d -> !d.none());
        if (sys.isPresent()) {
            Optional<Path> name = FileDevices.nameOf(sys.get(), Path.of("/sys"));
            if (name.isPresent()) {
                return new Found<>(name.get(), "/sys/power/resume (" + sys.get() + ")");
            }
        }
        Optional<String> cmd = facts.commandLine().resume();
        if (cmd.isPresent() && (cmd.get().startsWith("/dev/") || cmd.get().contains("="))) {
            return new Found<>(named(cmd.get()), "resume= of the kernel command line");
        }
        LinuxFacts.SwapArea best = null;
        for (LinuxFacts.SwapArea s : facts.swaps()) {
            if (s.type().equals("partition") && !inRam(s.filename()) && (best == null || s.priority() > best.priority())) {
                best = s;
            }
        }
        if (best != null) {
            return new Found<>(Path.of(best.filename()), "/proc/swaps (the disk swap partition of highest priority)");
        }
        throw new IllegalArgumentException("no swap device: none given (--device, or device = in the config file), "
                + "none in /sys/power/resume or resume= of the kernel command line, and no disk swap partition active");
    }

    /** Swap in RAM (zram, or a ramdisk): no image stored there survives a power-off. */
    static boolean inRam(String device) {
        String name = Path.of(device).getFileName().toString();
        return name.startsWith("zram") || name.startsWith("ram");
    }

    /** A device name as fstab and resume= allow it: a path, or a /dev/disk/by-* link for UUID=, LABEL= and the like. */
    static Path named(String spec) {
        int eq = spec.indexOf('=');
        if (spec.startsWith("/") || eq < 0) {
            return Path.of(spec);
        }
        String kind = spec.substring(0, eq);
        String dir = switch (kind) {
            case "UUID" -> "by-uuid";
            case "PARTUUID" -> "by-partuuid";
            case "LABEL" -> "by-label";
            case "PARTLABEL" -> "by-partlabel";
            default -> throw new IllegalArgumentException("'" + spec + "' is not a device: use a path, UUID=, PARTUUID=, "
                    + "LABEL= or PARTLABEL=");
        };
        Path link = Path.of("/dev/disk", dir, spec.substring(eq + 1));
        if (kind.equals("UUID") && !Files.exists(link)) {
            // blkid knows the kernel's image signature but not Torpor's own (TORPOR-AE1), so udev makes no by-uuid
            // link for an area that holds Torpor's encrypted kind: find the swap header with that UUID ourselves
            return swapWithUuid(Path.of("/sys/class/block"), Path.of("/dev"), spec.substring(eq + 1)).orElse(link);
        }
        return link;
    }

    /**
     * The block device whose first page is a swap header (of any signature, images included) with {@code uuid},
     * among those {@code sysBlock} lists; their nodes are in {@code dev}.
     */
    static Optional<Path> swapWithUuid(Path sysBlock, Path dev, String uuid) {
        if (!Files.isDirectory(sysBlock)) {
            return Optional.empty();
        }
        try (var names = Files.list(sysBlock)) {
            for (Path entry : (Iterable<Path>) names.sorted()::iterator) {
                Path node = dev.resolve(entry.getFileName().toString());
                if (Files.exists(node) && uuid.equalsIgnoreCase(swapUuidOf(node).orElse(""))) {
                    return Optional.of(node);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The UUID in the swap header at the start of {@code device}, if there is one. */
    static Optional<String> swapUuidOf(Path device) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(device)) {
            java.nio.ByteBuffer page = java.nio.ByteBuffer.allocate(65536);
            while (page.hasRemaining() && ch.read(page, page.position()) > 0) {
                // fill
            }
            page.flip();
            for (int p : dev.torpor.swap.format.SwapHeader.pageSizes()) {
                if (p > page.limit()) {
                    break;
                }
                Optional<dev.torpor.swap.format.SwapSignature> sig = dev.torpor.swap.format.SwapSignature.at(page,
                        p - dev.torpor.swap.format.SwapSignature.LENGTH);
                if (sig.isPresent() && sig.get() != dev.torpor.swap.format.SwapSignature.TUXONICE) {
                    java.nio.ByteBuffer u = page.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
                    return Optional.of(new java.util.UUID(u.getLong(1036), u.getLong(1044)).toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The resume offset: the one given, else {@code /sys/power/resume_offset}, else {@code resume_offset=}, else 0. */
    static Found<Long> resumeOffset(Settings.Value given, LinuxFacts facts) throws IOException {
        if (given.value() != null) {
            return new Found<>(Long.parseLong(given.value()), given.source());
        }
        OptionalLong sys = facts.resumeOffset();
        if (sys.isPresent() && sys.getAsLong() > 0) {
            return new Found<>(sys.getAsLong(), "/sys/power/resume_offset");
        }
        OptionalLong cmd = facts.commandLine().resumeOffset();
        if (cmd.isPresent()) {
            return new Found<>(cmd.getAsLong(), "resume_offset= of the kernel command line");
        }
        return new Found<>(0L, "default (a swap partition)");
    }
}
