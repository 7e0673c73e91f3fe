package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An LVM2 volume group as its metadata text describes it: what the scan needs to place logical volumes on disks.
 *
 * @param name        the VG's name
 * @param seqno       the metadata's sequence number (the highest among the PVs is the current one)
 * @param extentBytes bytes per physical extent
 * @param pvs         the physical volumes by their metadata name ({@code pv0}, ...)
 * @param lvs         the logical volumes
 * @param textOffset  where on the disk the metadata text it was read from starts
 */
public record VolumeGroup(String name, long seqno, long extentBytes, List<PhysicalVolume> pvs,
                          List<LogicalVolume> lvs, long textOffset) {
    public VolumeGroup {
        pvs = List.copyOf(pvs);
        lvs = List.copyOf(lvs);
    }

    /** A physical volume of the group: its metadata name, UUID and where its first extent starts. */
    public record PhysicalVolume(String name, String uuid, long peStartBytes) {
    }

    /**
     * A logical volume. Only linear segments (one stripe) are placed; any other kind is named in
     * {@code unsupported} and the LV is not read.
     */
    public record LogicalVolume(String name, List<Segment> segments, Optional<String> unsupported) {
        public LogicalVolume {
            segments = List.copyOf(segments);
        }
    }

    /** {@code extentCount} extents of the LV from {@code startExtent}, on PV {@code pv} from extent {@code startPe}. */
    public record Segment(long startExtent, long extentCount, String pv, long startPe) {
    }

    Optional<PhysicalVolume> pv(String pvName) {
        return pvs.stream().filter(p -> p.name().equals(pvName)).findFirst();
    }

    /** The group in parsed metadata, or empty (with a problem) when it does not describe one. */
    static Optional<VolumeGroup> of(Map<String, Object> top, long textOffset, List<Problem> problems) {
        for (Map.Entry<String, Object> e : top.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> vg && vg.get("physical_volumes") instanceof Map<?, ?> pvMap) {
                long extentSectors = number(vg.get("extent_size"));
                if (extentSectors <= 0 || extentSectors > (1L << 40)) {
                    problems.add(Problem.error(textOffset, "VG " + e.getKey() + " has extent_size " + extentSectors));
                    return Optional.empty();
                }
                List<PhysicalVolume> pvs = new ArrayList<>();
                for (Map.Entry<?, ?> p : pvMap.entrySet()) {
                    if (p.getValue() instanceof Map<?, ?> pv) {
                        long peStart = number(pv.get("pe_start"));
                        if (peStart < 0 || peStart > Long.MAX_VALUE / 512) {
                            problems.add(Problem.error(textOffset, "VG " + e.getKey() + "'s PV " + p.getKey()
                                    + " has no usable pe_start"));
                            continue;
                        }
                        pvs.add(new PhysicalVolume(String.valueOf(p.getKey()),
                                Reads.printable(String.valueOf(pv.get("id")), 64), peStart * 512));
                    }
                }
                List<LogicalVolume> lvs = new ArrayList<>();
                if (vg.get("logical_volumes") instanceof Map<?, ?> lvMap) {
                    for (Map.Entry<?, ?> l : lvMap.entrySet()) {
                        if (l.getValue() instanceof Map<?, ?> lv) {
                            lvs.add(logicalVolume(String.valueOf(l.getKey()), lv));
                        }
                    }
                }
                return Optional.of(new VolumeGroup(e.getKey(), number(vg.get("seqno")),
                        extentSectors * 512, pvs, lvs, textOffset));
            }
        }
        problems.add(Problem.error(textOffset, "the LVM metadata text has no volume group with physical_volumes"));
        return Optional.empty();
    }

    private static LogicalVolume logicalVolume(String name, Map<?, ?> lv) {
        List<Segment> segments = new ArrayList<>();
        for (Map.Entry<?, ?> s : lv.entrySet()) {
            if (!(s.getValue() instanceof Map<?, ?> seg) || !String.valueOf(s.getKey()).startsWith("segment")) {
                continue;
            }
            String type = Reads.printable(String.valueOf(seg.get("type")), 32);
            long stripes = seg.containsKey("stripe_count") ? number(seg.get("stripe_count")) : 1;
            if (!(type.equals("striped") || type.equals("linear")) || stripes != 1
                    || !(seg.get("stripes") instanceof List<?> st) || st.size() != 2
                    || !(st.get(0) instanceof String pvName) || !(st.get(1) instanceof Long startPe)) {
                return new LogicalVolume(name, List.of(), Optional.of("segment " + s.getKey() + " is of type " + type
                        + (stripes != 1 ? " with " + stripes + " stripes" : "") + ", not linear"));
            }
            long start = number(seg.get("start_extent"));
            long count = number(seg.get("extent_count"));
            if (start < 0 || count <= 0 || startPe < 0) {
                return new LogicalVolume(name, List.of(), Optional.of("segment " + s.getKey() + " has extents "
                        + start + "+" + count + " from PE " + startPe));
            }
            segments.add(new Segment(start, count, Reads.printable(pvName, 64), startPe));
        }
        segments.sort(java.util.Comparator.comparingLong(Segment::startExtent));
        long next = 0;
        for (Segment s : segments) {
            if (s.startExtent() != next) {
                return new LogicalVolume(name, List.of(), Optional.of("its segments leave a gap or overlap at extent "
                        + next));
            }
            next = s.startExtent() + s.extentCount();
        }
        return new LogicalVolume(name, segments, Optional.empty());
    }

    private static long number(Object o) {
        return o instanceof Long l ? l : -1;
    }
}
