package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The volumes of a disk: its partitions (or the whole disk when it has no table) and the linear logical volumes of
 * the LVM2 volume groups whose physical volumes are on it. Reading it touches only tables, labels and metadata.
 *
 * @param source   the disk's name in reports
 * @param size     the disk's size in bytes, or -1 if unknown
 * @param table    its partition table, if any
 * @param groups   the LVM2 volume groups found (the newest metadata of each)
 * @param volumes  partitions (or the whole disk) first, then logical volumes
 * @param problems what was wrong, with byte offsets on the disk
 */
public record DiskLayout(String source, long size, Optional<PartitionTable> table, List<VolumeGroup> groups,
                         List<Volume> volumes, List<Problem> problems) {
    public DiskLayout {
        groups = List.copyOf(groups);
        volumes = List.copyOf(volumes);
        problems = List.copyOf(problems);
    }

    /** Reads the layout of {@code disk} ({@code size} bytes, or -1 when unknown). */
    public static DiskLayout read(FileChannel disk, long size, String source) throws IOException {
        long diskSize = size >= 0 ? size : disk.size();
        List<Problem> problems = new ArrayList<>();
        Optional<PartitionTable> table = PartitionTables.read(disk, diskSize);
        List<Volume> volumes = new ArrayList<>();
        if (table.isPresent()) {
            problems.addAll(table.get().problems());
        }
        if (table.isPresent() && !table.get().partitions().isEmpty()) {
            for (Partition p : table.get().partitions()) {
                volumes.add(new Volume("p" + p.number(), Volume.Kind.PARTITION,
                        List.of(new DiskExtent(p.offset(), p.size())), p.size(), table.get().scheme().toUpperCase(java.util.Locale.ROOT)
                        + " partition " + p.number() + ", type " + p.type()
                        + p.name().map(n -> ", name '" + n + "'").orElse("")));
            }
        } else {
            volumes.add(new Volume("disk", Volume.Kind.DISK, List.of(new DiskExtent(0, diskSize)), diskSize,
                    table.isPresent() ? "the whole disk (its partition table names no partition)"
                            : "the whole disk (no partition table)"));
        }
        Map<String, Volume> pvByUuid = new HashMap<>();
        Map<String, VolumeGroup> newest = new LinkedHashMap<>();
        for (Volume v : List.copyOf(volumes)) {
            try (VolumeChannel ch = new VolumeChannel(disk, v.extents(), false)) {
                Optional<LvmLabel> label = LvmLabel.read(ch);
                if (label.isEmpty()) {
                    continue;
                }
                label.get().problems().forEach(p -> problems.add(onDisk(p, ch)));
                pvByUuid.put(label.get().uuid(), v);
                if (label.get().text().isPresent()) {
                    long textAt = label.get().textOffset();
                    try {
                        Map<String, Object> parsed = LvmText.parse(label.get().text().get());
                        VolumeGroup.of(parsed, ch.diskOffset(textAt), problems).ifPresent(g -> newest.merge(g.name(),
                                g, (a, b) -> a.seqno() >= b.seqno() ? a : b));
                    } catch (LvmText.SyntaxException e) {
                        problems.add(Problem.error(ch.diskOffset(textAt + e.offset), "LVM metadata on " + v.name()
                                + ": " + e.getMessage()));
                    }
                }
            }
        }
        for (VolumeGroup g : newest.values()) {
            for (VolumeGroup.LogicalVolume lv : g.lvs()) {
                logicalVolume(g, lv, pvByUuid, problems).ifPresent(volumes::add);
            }
        }
        return new DiskLayout(source, diskSize, table, List.copyOf(newest.values()), volumes, problems);
    }

    private static Optional<Volume> logicalVolume(VolumeGroup g, VolumeGroup.LogicalVolume lv,
                                                  Map<String, Volume> pvByUuid, List<Problem> problems) {
        String name = g.name() + "/" + lv.name();
        if (lv.unsupported().isPresent()) {
            problems.add(Problem.warning(g.textOffset(), "LV " + name + " is not read: " + lv.unsupported().get()));
            return Optional.empty();
        }
        List<DiskExtent> extents = new ArrayList<>();
        long size = 0;
        for (VolumeGroup.Segment s : lv.segments()) {
            Optional<VolumeGroup.PhysicalVolume> pv = g.pv(s.pv());
            Volume on = pv.map(p -> pvByUuid.get(p.uuid())).orElse(null);
            if (on == null) {
                problems.add(Problem.warning(g.textOffset(), "LV " + name + " is not read: its PV " + s.pv()
                        + pv.map(p -> " (" + p.uuid() + ")").orElse("") + " is not on this disk"));
                return Optional.empty();
            }
            long from;
            long length;
            try {
                from = Math.addExact(pv.get().peStartBytes(), Math.multiplyExact(s.startPe(), g.extentBytes()));
                length = Math.multiplyExact(s.extentCount(), g.extentBytes());
            } catch (ArithmeticException e) {
                problems.add(Problem.warning(g.textOffset(), "LV " + name + " is not read: extents out of range"));
                return Optional.empty();
            }
            if (from > on.size() || length > on.size() - from) {
                problems.add(Problem.warning(on.diskOffset(), "LV " + name + " is not read: extents " + s.startPe()
                        + "+" + s.extentCount() + " end past its PV " + on.name()));
                return Optional.empty();
            }
            extents.addAll(slice(on, from, length));
            try {
                size = Math.addExact(size, length);
            } catch (ArithmeticException e) {
                problems.add(Problem.warning(g.textOffset(), "LV " + name + " is not read: its size overflows"));
                return Optional.empty();
            }
        }
        return Optional.of(new Volume(name, Volume.Kind.LOGICAL_VOLUME, extents, size, "LVM2 logical volume "
                + lv.name() + " of VG " + g.name() + ", " + lv.segments().size() + " linear segment"
                + (lv.segments().size() == 1 ? "" : "s")));
    }

    /** The disk extents of {@code v}'s bytes {@code [from, from + length)}. */
    private static List<DiskExtent> slice(Volume v, long from, long length) {
        List<DiskExtent> out = new ArrayList<>();
        long pos = 0;
        for (DiskExtent e : v.extents()) {
            long lo = Math.max(from, pos);
            long hi = Math.min(from + length, pos + e.length());
            if (lo < hi) {
                out.add(new DiskExtent(e.diskOffset() + (lo - pos), hi - lo));
            }
            pos += e.length();
        }
        return out;
    }

    private static Problem onDisk(Problem p, VolumeChannel ch) {
        long at = ch.diskOffset(p.offset());
        return new Problem(at < 0 ? ch.diskOffset(0) : at, p.message(), p.severity());
    }

    /** The volume {@code scan} named {@code name}. */
    public Optional<Volume> volume(String name) {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** The names of every volume, for an error that lists what there is. */
    public List<String> names() {
        return volumes.stream().map(Volume::name).toList();
    }
}
