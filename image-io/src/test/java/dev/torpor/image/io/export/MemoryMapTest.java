package dev.torpor.image.io.export;

import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.StreamScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SVG picture of each corpus image's memory: well-formed, every cell drawn once, counts as the inspection's. */
class MemoryMapTest {
    @TempDir
    Path tmp;

    static List<String> names() {
        return Corpus.NAMES;
    }

    @ParameterizedTest
    @MethodSource("names")
    void thePictureCoversEveryCellAndCountsWhatTheInspectionCounts(String name) throws Exception {
        Path svg = tmp.resolve(name + ".svg");
        MemoryMap.Summary m;
        StreamScan scan;
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name))) {
            scan = image.inspect(false).scan().orElseThrow();
            m = MemoryMap.write(image, svg, false);
        }
        assertThat(m.dataPages()).isEqualTo(scan.dataPfns());
        assertThat(m.zeroPages()).isEqualTo(scan.zeroPfns());
        // up to the highest saved PFN, a zero page's too (the scan's pfnMax counts pages with data only)
        assertThat(m.cells()).isGreaterThanOrEqualTo((int) ((scan.pfnMax().getAsLong() + m.pfnsPerCell())
                / m.pfnsPerCell()));
        assertThat(m.cells()).isLessThanOrEqualTo(MemoryMap.MAX_CELLS);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        NodeList rects = doc.getElementsByTagName("rect");
        long cellWidth = 0;
        int holes = 0;
        boolean compressedColours = false;
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.hasAttribute("stroke")) {
                continue; // the legend
            }
            int cellsInRect = Integer.parseInt(r.getAttribute("width")) / 6;
            cellWidth += cellsInRect;
            if (r.getAttribute("fill").equals("#d9d9d9")) {
                holes += cellsInRect;
            }
            Matcher hue = Pattern.compile("hsl\\((\\d+),").matcher(r.getAttribute("fill"));
            if (hue.find() && Integer.parseInt(hue.group(1)) <= 120) {
                compressedColours = true;
            }
        }
        assertThat(cellWidth).as("every cell drawn once").isEqualTo(m.cells());
        assertThat(holes).isEqualTo(m.holeCells());
        assertThat(compressedColours).as("coloured by compression").isEqualTo(name.endsWith("lzo"));
    }

    @Test
    void neverOverwritesWithoutBeingAsked() throws Exception {
        Path svg = Files.writeString(tmp.resolve("keep.svg"), "keep me");
        try (HibernationImage image = HibernationImage.open(Corpus.swap("k61-lzo"))) {
            assertThatThrownBy(() -> MemoryMap.write(image, svg, false)).isInstanceOf(FileAlreadyExistsException.class);
        }
        assertThat(Files.readString(svg)).isEqualTo("keep me");
    }

    @Test
    void cellColours() {
        assertThat(MemoryMap.fill(0, 0, 0, 8, true)).isEqualTo("#d9d9d9");
        assertThat(MemoryMap.fill(0, 8, 0, 8, true)).isEqualTo("#ffffff");
        assertThat(MemoryMap.fill(8, 0, 8, 8, true)).isEqualTo("hsl(0,70%,42%)");
        assertThat(MemoryMap.fill(8, 0, 0.8, 8, true)).isEqualTo("hsl(108,70%,42%)");
        assertThat(MemoryMap.fill(1, 0, 1, 8, false)).isEqualTo("hsl(215,55%,75%)");
    }
}
