package dev.torpor.tools;

import dev.torpor.image.io.Problem;
import dev.torpor.image.io.disk.DiskLayout;
import dev.torpor.image.io.disk.Finding;
import dev.torpor.image.io.disk.ScanReport;
import dev.torpor.image.io.disk.ScannedVolume;
import dev.torpor.image.io.read.Inspection;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The readable report of {@code torpor scan}. */
final class ScanText {
    private ScanText() {
    }

    static void print(ScanReport r, String disk, PrintWriter out) {
        DiskLayout l = r.layout();
        out.printf("disk:    %s, %s%n", disk, l.size() < 0 ? "size unknown" : bytes(l.size()));
        out.printf("table:   %s%n", l.table().map(t -> t.scheme().toUpperCase(Locale.ROOT) + " (" + t.sectorSize()
                + "-byte sectors" + t.diskId().map(id -> ", disk id " + id).orElse("") + "), "
                + t.partitions().size() + " partition" + (t.partitions().size() == 1 ? "" : "s"))
                .orElse("none (the disk is one volume)"));
        l.groups().forEach(g -> out.printf("LVM2:    volume group %s, %d PV%s, %d LV%s, %s extents%n", g.name(),
                g.pvs().size(), g.pvs().size() == 1 ? "" : "s", g.lvs().size(), g.lvs().size() == 1 ? "" : "s",
                bytes(g.extentBytes())));
        for (ScannedVolume v : r.volumes()) {
            out.println();
            out.printf("%s: %s at byte %d%s%n", v.volume().name(), bytes(v.volume().size()), v.volume().diskOffset(),
                    v.volume().extents().size() > 1 ? " (first of " + v.volume().extents().size() + " extents)" : "");
            out.printf("    %s%n", v.volume().description());
            out.printf("    holds: %s (%s)%n", v.content().type().label(), v.content().detail());
            for (Finding f : v.findings()) {
                out.printf("    %s: %s%n", f.swapFile() ? "swap file at resume_offset " + f.resumeOffset()
                        + " (disk byte " + f.diskOffset() + ")" : "swap area", summary(f.inspection()));
                out.printf("    inspect: torpor %s%n", String.join(" ", ScanJson.arguments(f, disk).stream()
                        .map(ScanText::quoted).toList()));
            }
        }
        List<Problem> problems = new ArrayList<>(r.problems());
        if (!problems.isEmpty()) {
            out.println();
            out.println("problems:");
            problems.forEach(p -> out.println("  " + p));
        }
        out.println();
        long images = r.findings().stream().filter(f -> f.inspection().kind()
                != dev.torpor.image.io.read.ImageKind.NONE).count();
        out.printf("found:   %d swap area%s, %d holding a hibernation image%n", r.findings().size(),
                r.findings().size() == 1 ? "" : "s", images);
    }

    /** One line: the verdict and what the image is. */
    static String summary(Inspection i) {
        StringBuilder s = new StringBuilder();
        switch (i.kind()) {
            case NONE -> s.append("no hibernation image");
            case FOREIGN -> s.append("foreign image (").append(i.signature().orElse("?")).append(")");
            case TORPOR -> s.append("Torpor encrypted image");
            default -> s.append("kernel image, ").append(i.verdict().label());
        }
        i.info().ifPresent(info -> s.append(", ").append(info.imagePages()).append(" pages"));
        i.detection().ifPresent(d -> s.append(", ").append(d.target().arch()).append(", ")
                .append(d.target().pageSize()).append("-byte pages, ").append(d.compressor().label()));
        i.swap().ifPresent(h -> s.append("; swap UUID ").append(h.uuid())
                .append(h.label().isEmpty() ? "" : ", label '" + h.label() + "'"));
        long errors = i.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR).count();
        if (errors > 0) {
            s.append("; ").append(errors).append(" error").append(errors == 1 ? "" : "s").append(" (see inspect)");
        }
        return s.toString();
    }

    /** An argument as a shell takes it back: quoted when it holds anything but safe characters. */
    static String quoted(String arg) {
        return arg.matches("[A-Za-z0-9_./:=+,@%-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
