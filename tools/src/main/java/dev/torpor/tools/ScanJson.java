package dev.torpor.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.image.io.Problem;
import dev.torpor.image.io.disk.DiskExtent;
import dev.torpor.image.io.disk.DiskLayout;
import dev.torpor.image.io.disk.Finding;
import dev.torpor.image.io.disk.Partition;
import dev.torpor.image.io.disk.ScanReport;
import dev.torpor.image.io.disk.ScannedVolume;

import java.util.List;
import java.util.Locale;

/** {@code torpor scan --json}: the layout, each volume with its content and findings, and the problems. */
final class ScanJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ScanJson() {
    }

    static ObjectNode of(ScanReport r, String disk) {
        DiskLayout l = r.layout();
        ObjectNode o = F.objectNode();
        o.put("source", disk);
        o.put("size", l.size());
        l.table().ifPresentOrElse(t -> {
            ObjectNode table = o.putObject("table");
            table.put("scheme", t.scheme());
            table.put("sectorSize", t.sectorSize());
            table.put("diskId", t.diskId().orElse(null));
            ArrayNode parts = table.putArray("partitions");
            for (Partition p : t.partitions()) {
                ObjectNode n = parts.addObject();
                n.put("number", p.number());
                n.put("offset", p.offset());
                n.put("size", p.size());
                n.put("type", p.type());
                n.put("name", p.name().orElse(null));
                n.put("guid", p.guid().orElse(null));
            }
        }, () -> o.putNull("table"));
        ArrayNode groups = o.putArray("volumeGroups");
        l.groups().forEach(g -> {
            ObjectNode n = groups.addObject();
            n.put("name", g.name());
            n.put("seqno", g.seqno());
            n.put("extentBytes", g.extentBytes());
            ArrayNode pvs = n.putArray("pvs");
            g.pvs().forEach(pv -> pvs.addObject().put("name", pv.name()).put("uuid", pv.uuid())
                    .put("peStart", pv.peStartBytes()));
            ArrayNode lvs = n.putArray("lvs");
            g.lvs().forEach(lv -> lvs.addObject().put("name", lv.name()).put("segments", lv.segments().size())
                    .put("unsupported", lv.unsupported().orElse(null)));
        });
        ArrayNode volumes = o.putArray("volumes");
        for (ScannedVolume v : r.volumes()) {
            ObjectNode n = volumes.addObject();
            n.put("name", v.volume().name());
            n.put("kind", v.volume().kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            n.put("offset", v.volume().diskOffset());
            n.put("size", v.volume().size());
            n.put("description", v.volume().description());
            ArrayNode ex = n.putArray("extents");
            for (DiskExtent e : v.volume().extents()) {
                ex.addObject().put("diskOffset", e.diskOffset()).put("length", e.length());
            }
            n.put("content", v.content().type().label());
            n.put("contentDetail", v.content().detail());
            ArrayNode fs = n.putArray("findings");
            for (Finding f : v.findings()) {
                ObjectNode fn = fs.addObject();
                fn.put("volume", f.volume());
                fn.put("swapFile", f.swapFile());
                fn.put("resumeOffset", f.resumeOffset());
                fn.put("pageSize", f.pageSize());
                fn.put("diskOffset", f.diskOffset());
                fn.put("verdict", f.inspection().verdict().label());
                ArrayNode cmd = fn.putArray("inspectArguments");
                for (String a : arguments(f, disk)) {
                    cmd.add(a);
                }
                fn.set("inspection", InspectionJson.of(f.inspection()));
            }
        }
        ArrayNode problems = o.putArray("problems");
        for (Problem p : r.problems()) {
            problems.addObject().put("offset", p.offset()).put("severity", p.severity().name().toLowerCase(Locale.ROOT))
                    .put("message", p.message());
        }
        o.put("swapAreas", r.findings().size());
        o.put("images", r.findings().stream().filter(f -> f.inspection().kind()
                != dev.torpor.image.io.read.ImageKind.NONE).count());
        return o;
    }

    /** The arguments of {@code torpor inspect} that read {@code f} (no {@code --volume} for a disk without a table). */
    static List<String> arguments(Finding f, String disk) {
        List<String> a = new java.util.ArrayList<>(List.of("inspect"));
        if (!f.volume().equals("disk")) {
            a.addAll(List.of("--volume", f.volume()));
        }
        if (f.swapFile()) {
            if (f.pageSize() != 4096) {
                a.addAll(List.of("--page-size", Integer.toString(f.pageSize())));
            }
            a.addAll(List.of("--resume-offset", Long.toString(f.resumeOffset())));
        }
        a.add(disk);
        return a;
    }
}
