package dev.torpor.image.io.export;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.PhysicalPage;
import dev.torpor.image.io.read.PhysicalPages;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A picture of an image's physical memory, as SVG: one cell per block of PFNs, rows of {@value #COLUMNS} cells from
 * PFN 0 up to the highest saved one. A cell is grey where no page of its block was saved (holes, free or excluded
 * memory), white where only zero pages were, and otherwise coloured by how well its pages compressed: green where the
 * image stores little of them, red where it stores all (blue for an uncompressed image). The colour is paler where
 * only part of the block was saved. Streams the image once; the cells are counted in memory (at most
 * {@value #MAX_CELLS}).
 */
public final class MemoryMap {
    static final int COLUMNS = 128;
    static final int MAX_CELLS = COLUMNS * 256;
    private static final int CELL = 6;
    private static final int LEFT = 150;
    private static final int TOP = 60;

    /**
     * What the picture shows.
     *
     * @param pfnsPerCell PFNs each cell stands for (a power of two)
     * @param cells       cells drawn
     * @param dataPages   saved pages with data
     * @param zeroPages   saved pages the kernel flagged zero
     * @param holeCells   cells with no saved page
     */
    public record Summary(long pfnsPerCell, int cells, long dataPages, long zeroPages, int holeCells) {
    }

    private MemoryMap() {
    }

    /**
     * Draws the memory of {@code image} into {@code out}; never overwrites it unless {@code overwrite}.
     *
     * @throws ImageFormatException if the image is damaged, after drawing what was read before the damage
     */
    public static Summary write(HibernationImage image, Path out, boolean overwrite) throws IOException {
        image.requireReadable();
        int pageSize = image.detection().orElseThrow().target().pageSize();
        // a first pass over the metadata alone: how far the map reaches
        long[] max = {-1};
        try {
            image.visitPfns((pfn, zero) -> max[0] = Math.max(max[0], pfn));
        } catch (ImageFormatException e) {
            // damaged metadata: the pages pass stops at the same entry, so what came before is the picture
        }
        long maxPfn = max[0];
        long perCell = 1;
        while ((maxPfn + 1 + perCell - 1) / perCell > MAX_CELLS) {
            perCell <<= 1;
        }
        int cells = (int) Math.max(1, (maxPfn + perCell) / perCell);
        int[] data = new int[cells];
        int[] zero = new int[cells];
        double[] stored = new double[cells];
        boolean compressed = false;
        long dataPages = 0;
        long zeroPages = 0;
        ImageFormatException damage = null;
        try (PhysicalPages pages = image.pages()) {
            for (PhysicalPage p = pages.next(); p != null && p.pfn() <= maxPfn; p = pages.next()) {
                int c = (int) Math.min(cells - 1, p.pfn() / perCell);
                if (p.zero()) {
                    zero[c]++;
                    zeroPages++;
                } else {
                    double f = pages.storedFraction(p);
                    compressed |= f != 1;
                    data[c]++;
                    stored[c] += f;
                    dataPages++;
                }
            }
        } catch (ImageFormatException e) {
            damage = e; // drawn as far as it was read, then reported
        }
        int holes = 0;
        for (int c = 0; c < cells; c++) {
            holes += data[c] + zero[c] == 0 ? 1 : 0;
        }
        try (FileChannel ch = FileChannel.open(out, OutputFiles.options(overwrite));
             Writer w = new BufferedWriter(Channels.newWriter(ch, StandardCharsets.UTF_8))) {
            draw(w, image.source(), pageSize, perCell, cells, data, zero, stored, compressed);
        }
        if (damage != null) {
            throw damage;
        }
        return new Summary(perCell, cells, dataPages, zeroPages, holes);
    }

    private static void draw(Writer w, String source, int pageSize, long perCell, int cells, int[] data, int[] zero,
                             double[] stored, boolean compressed) throws IOException {
        int rows = (cells + COLUMNS - 1) / COLUMNS;
        int width = LEFT + COLUMNS * CELL + 20;
        int height = TOP + rows * CELL + 90;
        w.write(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"11\">%n", width, height, width, height));
        w.write(String.format(Locale.ROOT, "<title>Physical memory saved in %s</title>%n", escape(source)));
        w.write(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"13\">Physical memory saved in %s</text>%n",
                escape(source)));
        w.write(String.format(Locale.ROOT, "<text x=\"10\" y=\"38\">one cell = %d PFNs (%s), %d cells per row</text>%n",
                perCell, bytes(perCell * pageSize), COLUMNS));
        for (int r = 0; r < rows; r++) {
            int y = TOP + r * CELL;
            if (r % 16 == 0) {
                w.write(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">0x%x</text>%n", y + CELL,
                        (long) r * COLUMNS * perCell * pageSize));
            }
            // runs of cells with the same colour become one rectangle
            int c = r * COLUMNS;
            int end = Math.min(cells, c + COLUMNS);
            while (c < end) {
                String fill = fill(data[c], zero[c], stored[c], perCell, compressed);
                int run = c + 1;
                while (run < end && fill(data[run], zero[run], stored[run], perCell, compressed).equals(fill)) {
                    run++;
                }
                w.write(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                        LEFT + (c - r * COLUMNS) * CELL, y, (run - c) * CELL, CELL, fill));
                c = run;
            }
        }
        int y = TOP + rows * CELL + 25;
        legend(w, 10, y, "#d9d9d9", "nothing saved");
        legend(w, 160, y, "#ffffff", "zero pages only");
        if (compressed) {
            legend(w, 330, y, "hsl(120,70%,42%)", "data, compressed well");
            legend(w, 560, y, "hsl(0,70%,42%)", "data, stored whole");
        } else {
            legend(w, 330, y, "hsl(215,55%,45%)", "data (uncompressed image)");
        }
        w.write(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">paler: only part of the cell's PFNs saved</text>%n",
                y + 30));
        w.write("</svg>\n");
    }

    /** A cell's colour: see the class comment. */
    static String fill(int data, int zero, double stored, long perCell, boolean compressed) {
        if (data + zero == 0) {
            return "#d9d9d9";
        }
        if (data == 0) {
            return "#ffffff";
        }
        // lightness rises from 42% (the whole block saved) to 80% (a single page of it)
        int light = (int) Math.round(80 - 38.0 * (data + zero) / perCell);
        if (!compressed) {
            return String.format(Locale.ROOT, "hsl(215,55%%,%d%%)", light);
        }
        double f = Math.min(1, stored / data);
        return String.format(Locale.ROOT, "hsl(%d,70%%,%d%%)", (int) Math.round(120 * (1 - f)), light);
    }

    private static void legend(Writer w, int x, int y, String fill, String text) throws IOException {
        w.write(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\" "
                + "stroke=\"#888\"/><text x=\"%d\" y=\"%d\">%s</text>%n", x, y - 10, fill, x + 18, y, text));
    }

    private static String bytes(long n) {
        return n >= 1 << 20 ? (n >> 20) + " MiB" : n >= 1 << 10 ? (n >> 10) + " KiB" : n + " bytes";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
