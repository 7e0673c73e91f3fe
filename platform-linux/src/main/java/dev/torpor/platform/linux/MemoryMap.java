package dev.torpor.platform.linux;

import java.util.ArrayList;
import java.util.List;

/** The lines of {@code /proc/PID/maps}: address range, permissions, and the file mapped (if any). */
public final class MemoryMap {

    /**
     * One mapping.
     *
     * @param start       first address
     * @param end         address after the last byte
     * @param permissions {@code rwxp}-style flags
     * @param path        the file, a pseudo name such as {@code [heap]} or {@code [stack]}, or empty (anonymous)
     */
    public record Mapping(long start, long end, String permissions, String path) {
        public boolean readable() {
            return permissions.startsWith("r");
        }

        public long bytes() {
            return end - start;
        }
    }

    private MemoryMap() {
    }

    /** Parses the text of a maps file; lines it cannot read are skipped. */
    public static List<Mapping> parse(String text) {
        List<Mapping> maps = new ArrayList<>();
        for (String line : text.split("\n")) {
            // start-end perms offset dev inode [path]; the path may contain spaces
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 5) {
                continue;
            }
            int dash = f[0].indexOf('-');
            if (dash < 0) {
                continue;
            }
            try {
                long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
                long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
                maps.add(new Mapping(start, end, f[1], f.length == 6 ? f[5] : ""));
            } catch (NumberFormatException e) {
                // not a mapping line
            }
        }
        return maps;
    }
}
