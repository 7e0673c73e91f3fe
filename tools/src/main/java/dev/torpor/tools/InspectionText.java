package dev.torpor.tools;

import dev.torpor.image.io.read.Detection;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.KernelIdentity;
import dev.torpor.image.io.read.VmcoreInfo;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.Problem;
import dev.torpor.image.io.read.SlotsOutside;
import dev.torpor.image.io.read.StreamScan;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwsuspHeader;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/** The human-readable report of {@code torpor inspect}. */
final class InspectionText {
    private InspectionText() {
    }

    static void print(Inspection r, PrintWriter out) {
        out.printf("source:        %s%n", r.source());
        Optional<SwapHeader> swap = r.swap();
        if (swap.isPresent()) {
            SwapHeader s = swap.get();
            out.printf("swap area:     %s v%d, last page %d, %d bad pages, UUID %s%s%n", s.magic().label(), s.version(),
                    s.lastPage(), s.badPages(), s.uuid(), s.label().isEmpty() ? "" : ", label '" + s.label() + "'");
        } else {
            out.println("swap area:     no swap signature found");
        }
        switch (r.kind()) {
            case NONE:
                out.println("image:         none (a plain swap area or not swap at all)");
                break;
            case FOREIGN:
                out.printf("image:         foreign: %s (written by another hibernation tool; not read)%n",
                        r.signature().orElse("?"));
                break;
            case TORPOR:
                out.printf("image:         Torpor encrypted image (%s, replaced %s): the kernel cannot resume it; "
                        + "check it with --key, resume it with torpor resume --key%n", r.signature().orElse("?"),
                        r.originalSignature().orElse("?"));
                r.map().ifPresent(m -> out.printf("swap map:      %d map pages, %d stored pages%n", m.mapPages(),
                        m.storedPages()));
                break;
            default:
                kernelImage(r, out);
        }
        r.slotsOutside().ifPresent(s -> outside(r, s, out));
        for (Problem p : r.problems()) {
            out.println(p);
        }
        out.printf("verdict:       %s%n", r.verdict().label());
        out.flush();
    }

    /** What the pages outside the image mean for whoever resumes, moves or analyses it. */
    private static void outside(Inspection r, SlotsOutside s, PrintWriter out) {
        String range = s.first().isPresent() ? " (pages " + s.first().getAsLong() + ".." + s.last().getAsLong() + ")"
                : "";
        if (r.kind() == ImageKind.NONE) {
            out.printf("swap in use:   %d pages hold data%s%n", s.count(), range);
        } else if (s.count() == 0) {
            out.println("outside image: no page holds data: nothing of the hibernated system is outside the image");
        } else {
            out.printf("outside image: %d pages hold data%s: the hibernated system's swapped-out memory, which it "
                    + "reads back after the resume. The image resumes correctly only from this area, and nothing "
                    + "may be written into those pages (extract --swapped-out saves them)%s%n", s.count(), range,
                    s.imageSlotsKnown() ? "" : "; the swap map is broken, so some of them may be the image's");
        }
    }

    private static void kernelImage(Inspection r, PrintWriter out) {
        out.printf("image:         kernel hibernation image (%s, replaced %s)%n", r.signature().orElse("?"),
                r.originalSignature().orElse("?"));
        r.header().ifPresent(h -> header(h, out));
        r.detection().ifPresent(d -> detection(d, out));
        r.map().ifPresent(m -> out.printf("swap map:      %d map pages, %d stored pages%n", m.mapPages(),
                m.storedPages()));
        r.info().ifPresent(i -> info(i, out));
        r.kernel().ifPresent(k -> kernel(k, r.scan().isPresent(), out));
        if (r.scan().isPresent()) {
            StreamScan s = r.scan().get();
            out.printf("stream:        %d pages read, %d compressed units, %d metadata pages%n", s.streamPages(),
                    s.compressedUnits(), s.metaPages());
            out.printf("memory:        %d PFNs with data, %d zero PFNs%s%n", s.dataPfns(), s.zeroPfns(),
                    s.pfnMin().isPresent() ? String.format(", PFN %d..%d", s.pfnMin().getAsLong(),
                            s.pfnMax().getAsLong()) : "");
            if (s.complete()) {
                String crc = r.crc32Ok().map(ok -> ok ? "ok" : "MISMATCH").orElse("not stored in this image");
                out.printf("CRC32:         computed 0x%08x, %s%n", s.crc32Computed(), crc);
            } else {
                out.println("CRC32:         not checked: the stream could not be read to its end");
            }
        } else {
            out.println("stream:        not read (--quick)");
        }
    }

    private static void header(SwsuspHeader h, PrintWriter out) {
        out.printf("header layout: %s, first map page %d, flags 0x%x %s%n", h.layout().label(), h.image(),
                h.flags().value(), h.flags().names());
        out.printf("crc32 stored:  0x%08x, hw_sig 0x%08x%n", h.crc32(), h.hwSig());
    }

    private static void detection(Detection d, PrintWriter out) {
        out.printf("target:        %s, %d-byte pages, %d-byte words, %s-endian, %d-byte map entries, %s%n",
                d.target().arch(), d.target().pageSize(), d.target().wordSize(), d.target().byteOrder().label(),
                d.sectorSize(), d.compressor().label());
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(d.how()).entrySet()) {
            out.printf("  %-12s %s%n", e.getKey() + ":", e.getValue());
        }
    }

    private static void info(SnapshotInfo i, PrintWriter out) {
        out.printf("header page:   pages %s = %s data + %s metadata + 1, size %s, RAM %s pages%n",
                Long.toUnsignedString(i.pages()), Long.toUnsignedString(i.imagePages()),
                Long.toUnsignedString(i.metaPages()), Long.toUnsignedString(i.size()),
                Long.toUnsignedString(i.numPhysPages()));
        i.uts().ifPresent(u -> out.printf("kernel:        %s %s %s (%s)%n", u.sysname(), u.release(), u.version(),
                u.machine()));
        i.kernelVersion().ifPresent(v -> out.printf("version code:  %s%n", v));
        if (!i.archRecord().fields().isEmpty()) {
            StringBuilder fields = new StringBuilder();
            i.archRecord().fields().forEach((name, v) -> fields.append(fields.length() == 0 ? "" : ", ").append(name)
                    .append(' ').append(v instanceof Number n ? "0x" + new java.math.BigInteger(n.toString()).toString(16)
                            : v));
            out.printf("arch record:   %s: %s%n", i.archRecord().type(), fields);
        }
    }

    /** Which kernel wrote the image: VMCOREINFO's facts, then what the restore record says of them. */
    private static void kernel(KernelIdentity k, boolean streamRead, PrintWriter out) {
        if (k.vmcoreinfo().isPresent()) {
            VmcoreInfo v = k.vmcoreinfo().get();
            out.printf("written by:    Linux %s, build ID %s, %s-byte pages (VMCOREINFO at PFN 0x%x)%n",
                    k.release().orElse("?"), k.buildId().orElse("?"),
                    k.pageSize().isPresent() ? String.valueOf(k.pageSize().getAsInt()) : "?", v.pfn());
            String offset = k.kernelOffset().isPresent() ? "KASLR offset 0x" + Long.toHexString(k.kernelOffset()
                    .getAsLong()) : "no KASLR offset given";
            String physBase = v.physBase().isPresent() ? ", phys_base " + signedHex(v.physBase().getAsLong()) : "";
            out.printf("               %s%s%n", offset, physBase);
        } else {
            out.printf("written by:    %s%n", k.release().map(r -> "Linux " + r + " (from the header page's utsname)")
                    .orElse(streamRead ? "no VMCOREINFO note among the saved pages"
                            : "not known without reading the stream (no --quick)"));
        }
        if (k.recordPhysBase().isPresent()) {
            String agrees = k.recordAgrees().map(a -> a ? "agrees with VMCOREINFO" : "DISAGREES with VMCOREINFO")
                    .orElse("nothing to compare with");
            String linked = k.restoreRegistersLinked().isPresent() ? String.format(
                    "; restore_registers linked at 0x%x (compare System.map)", k.restoreRegistersLinked().getAsLong())
                    : "";
            out.printf("restore record: phys_base %s, %s%s%n", signedHex(k.recordPhysBase().getAsLong()), agrees,
                    linked);
        }
    }

    private static String signedHex(long v) {
        return v < 0 ? "-0x" + Long.toHexString(-v) : "0x" + Long.toHexString(v);
    }
}
