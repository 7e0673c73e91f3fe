package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.image.io.read.Detection;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.KernelIdentity;
import dev.torpor.image.io.read.VmcoreInfo;
import dev.torpor.image.io.read.MapSummary;
import dev.torpor.image.io.Problem;
import dev.torpor.image.io.read.StreamScan;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwsuspHeader;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/** The JSON form of an inspection ({@code torpor inspect --json}). Unknown values are {@code null}. */
final class InspectionJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private InspectionJson() {
    }

    static ObjectNode of(Inspection r) {
        ObjectNode root = F.objectNode();
        root.put("source", r.source());
        root.set("swap", r.swap().map(InspectionJson::swap).orElse(F.nullNode()));
        root.set("image", image(r));
        root.put("verdict", r.verdict().label());
        ArrayNode problems = root.putArray("problems");
        for (Problem p : r.problems()) {
            ObjectNode o = problems.addObject();
            o.put("offset", p.offset());
            o.put("message", p.message());
            o.put("severity", p.severity().name().toLowerCase(java.util.Locale.ROOT));
        }
        return root;
    }

    private static JsonNode swap(SwapHeader h) {
        ObjectNode o = F.objectNode();
        o.put("signature", h.magic().label());
        o.put("version", h.version());
        o.put("lastPage", h.lastPage());
        o.put("badPages", h.badPages());
        o.put("uuid", h.uuid().toString());
        o.put("label", h.label());
        o.put("pageSize", h.pageSize());
        return o;
    }

    private static ObjectNode image(Inspection r) {
        ObjectNode o = F.objectNode();
        o.put("kind", r.kind().label());
        o.put("signature", r.signature().filter(s -> r.kind() != ImageKind.NONE).orElse(null));
        o.put("originalSignature", r.originalSignature().orElse(null));
        Optional<SwsuspHeader> h = r.header();
        Optional<Detection> d = r.detection();
        Optional<StreamScan> s = r.scan();
        Optional<MapSummary> m = r.map();
        o.put("headerLayout", h.map(x -> x.layout().label()).orElse(null));
        o.set("firstMapPage", h.map(x -> (JsonNode) F.numberNode(x.image())).orElse(F.nullNode()));
        if (h.isPresent()) {
            ObjectNode flags = o.putObject("flags");
            flags.put("value", h.get().flags().value());
            ArrayNode names = flags.putArray("names");
            h.get().flags().names().forEach(names::add);
        } else {
            o.putNull("flags");
        }
        o.put("compressor", d.map(x -> x.compressor().label()).orElse(null));
        if (h.isPresent()) {
            ObjectNode crc = o.putObject("crc32");
            crc.put("stored", h.get().crc32());
            crc.set("computed", s.filter(StreamScan::complete).map(x -> (JsonNode) F.numberNode(x.crc32Computed()))
                    .orElse(F.nullNode()));
            crc.set("ok", r.crc32Ok().map(x -> (JsonNode) F.booleanNode(x)).orElse(F.nullNode()));
        } else {
            o.putNull("crc32");
        }
        o.set("hwSig", h.map(x -> (JsonNode) F.numberNode(x.hwSig())).orElse(F.nullNode()));
        o.set("mapPages", m.map(x -> (JsonNode) F.numberNode(x.mapPages())).orElse(F.nullNode()));
        o.set("storedPages", m.map(x -> (JsonNode) F.numberNode(x.storedPages())).orElse(F.nullNode()));
        o.set("compressedUnits", s.map(x -> (JsonNode) F.numberNode(x.compressedUnits())).orElse(F.nullNode()));
        o.set("target", d.map(InspectionJson::target).orElse(F.nullNode()));
        o.set("header", r.info().map(InspectionJson::header).orElse(F.nullNode()));
        o.set("kernel", r.kernel().map(InspectionJson::kernel).orElse(F.nullNode()));
        o.set("metaPages", r.info().filter(i -> i.pages() > i.imagePages())
                .map(i -> (JsonNode) F.numberNode(i.metaPages())).orElse(F.nullNode()));
        o.set("dataPfns", s.map(x -> (JsonNode) F.numberNode(x.dataPfns())).orElse(F.nullNode()));
        o.set("zeroPfns", s.map(x -> (JsonNode) F.numberNode(x.zeroPfns())).orElse(F.nullNode()));
        o.set("pfnMin", s.filter(x -> x.pfnMin().isPresent())
                .map(x -> (JsonNode) F.numberNode(x.pfnMin().getAsLong())).orElse(F.nullNode()));
        o.set("pfnMax", s.filter(x -> x.pfnMax().isPresent())
                .map(x -> (JsonNode) F.numberNode(x.pfnMax().getAsLong())).orElse(F.nullNode()));
        o.set("slotsOutsideImage", r.slotsOutside().map(x -> (JsonNode) F.numberNode(x.count())).orElse(F.nullNode()));
        o.set("slotsOutsideImageRange", r.slotsOutside().filter(x -> x.first().isPresent()).map(x -> {
            ObjectNode range = F.objectNode();
            range.put("first", x.first().getAsLong());
            range.put("last", x.last().getAsLong());
            range.put("imageSlotsKnown", x.imageSlotsKnown());
            return (JsonNode) range;
        }).orElse(F.nullNode()));
        return o;
    }

    private static JsonNode target(Detection d) {
        ObjectNode t = F.objectNode();
        t.put("pageSize", d.target().pageSize());
        t.put("wordSize", d.target().wordSize());
        t.put("byteOrder", d.target().byteOrder().label());
        t.put("arch", d.target().arch());
        t.put("sectorSize", d.sectorSize());
        t.put("metadata", d.encoding() == dev.torpor.snapshot.api.PfnMetadata.Encoding.PFN ? "pfn" : "virtual-address");
        ObjectNode how = t.putObject("decidedBy");
        new java.util.TreeMap<>(d.how()).forEach(how::put);
        return t;
    }

    /** Which kernel wrote the image, and where each fact was found. */
    private static JsonNode kernel(KernelIdentity k) {
        ObjectNode o = F.objectNode();
        o.put("release", k.release().orElse(null));
        o.put("releaseFrom", k.release().isEmpty() ? null : k.vmcoreinfo().flatMap(VmcoreInfo::release).isPresent()
                ? "vmcoreinfo" : "utsname");
        o.put("buildId", k.buildId().orElse(null));
        o.set("pageSize", k.pageSize().isPresent() ? F.numberNode(k.pageSize().getAsInt()) : F.nullNode());
        o.set("kernelOffset", k.kernelOffset().isPresent() ? u64(k.kernelOffset().getAsLong()) : F.nullNode());
        o.set("physBase", k.physBase().isPresent() ? F.numberNode(k.physBase().getAsLong()) : F.nullNode());
        o.put("physBaseFrom", k.physBase().isEmpty() ? null
                : k.vmcoreinfo().map(v -> v.physBase().isPresent()).orElse(false) ? "vmcoreinfo" : "restoreRecord");
        o.set("vmcoreinfo", k.vmcoreinfo().map(v -> {
            ObjectNode n = F.objectNode();
            n.put("pfn", v.pfn());
            n.put("entries", v.entries().size());
            return (JsonNode) n;
        }).orElse(F.nullNode()));
        o.set("restoreRecord", k.recordPhysBase().isPresent() ? restoreRecord(k) : F.nullNode());
        return o;
    }

    private static JsonNode restoreRecord(KernelIdentity k) {
        ObjectNode n = F.objectNode();
        n.put("physBase", k.recordPhysBase().getAsLong());
        n.set("restoreRegistersLinked", k.restoreRegistersLinked().isPresent()
                ? u64(k.restoreRegistersLinked().getAsLong()) : F.nullNode());
        n.set("agrees", k.recordAgrees().map(a -> (JsonNode) F.booleanNode(a)).orElse(F.nullNode()));
        return n;
    }

    private static JsonNode header(SnapshotInfo i) {
        ObjectNode h = F.objectNode();
        h.put("versionCode", i.versionCode());
        h.set("kernelVersion", i.kernelVersion().map(v -> (JsonNode) F.textNode(v)).orElse(F.nullNode()));
        h.set("numPhysPages", u64(i.numPhysPages()));
        h.put("cpus", i.cpus());
        h.set("imagePages", u64(i.imagePages()));
        h.set("pages", u64(i.pages()));
        h.set("size", u64(i.size()));
        h.set("uts", i.uts().map(InspectionJson::uts).orElse(F.nullNode()));
        ObjectNode rec = h.putObject("archRecord");
        rec.put("type", i.archRecord().type());
        for (Map.Entry<String, Object> e : i.archRecord().fields().entrySet()) {
            Object v = e.getValue();
            if (v instanceof BigInteger) {
                rec.put(e.getKey(), (BigInteger) v);
            } else if (v instanceof Long) {
                rec.put(e.getKey(), (Long) v);
            } else {
                rec.put(e.getKey(), String.valueOf(v));
            }
        }
        return h;
    }

    private static JsonNode uts(Utsname u) {
        ObjectNode o = F.objectNode();
        o.put("sysname", u.sysname());
        o.put("nodename", u.nodename());
        o.put("release", u.release());
        o.put("version", u.version());
        o.put("machine", u.machine());
        o.put("domainname", u.domainname());
        return o;
    }

    /** An unsigned 64-bit value as a JSON number. */
    static JsonNode u64(long v) {
        return v >= 0 ? F.numberNode(v) : F.numberNode(new BigInteger(Long.toUnsignedString(v)));
    }
}
