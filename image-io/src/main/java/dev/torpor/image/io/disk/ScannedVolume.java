package dev.torpor.image.io.disk;

import java.util.List;

/** A volume, what it starts with, and the swap areas found on it. */
public record ScannedVolume(Volume volume, VolumeContent content, List<Finding> findings) {
    public ScannedVolume {
        findings = List.copyOf(findings);
    }
}
