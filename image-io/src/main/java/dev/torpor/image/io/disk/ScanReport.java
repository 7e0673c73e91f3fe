package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;
import dev.torpor.image.io.read.ImageKind;

import java.util.List;

/** What {@link DiskScan} found on a disk: its layout, each volume's content and findings, and what was wrong. */
public record ScanReport(DiskLayout layout, List<ScannedVolume> volumes, List<Problem> problems) {
    public ScanReport {
        volumes = List.copyOf(volumes);
        problems = List.copyOf(problems);
    }

    /** Every finding, volume by volume. */
    public List<Finding> findings() {
        return volumes.stream().flatMap(v -> v.findings().stream()).toList();
    }

    /** Whether any finding holds a hibernation image (of any kind). */
    public boolean anyImage() {
        return findings().stream().anyMatch(f -> f.inspection().kind() != ImageKind.NONE);
    }
}
