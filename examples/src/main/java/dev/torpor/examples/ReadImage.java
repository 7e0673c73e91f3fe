package dev.torpor.examples;

import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.PhysicalPage;
import dev.torpor.image.io.read.PhysicalPages;
import dev.torpor.image.io.read.Verdict;

import java.nio.file.Path;

/**
 * Reads a hibernation image from a swap area (a partition, a swap file or a copy of one): checks all of it, then walks
 * its pages of memory. Usage: {@code java -cp examples.jar dev.torpor.examples.ReadImage SWAP-AREA}.
 */
public final class ReadImage {
    private ReadImage() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ReadImage SWAP-AREA");
            System.exit(64);
        }
        try (HibernationImage image = HibernationImage.open(Path.of(args[0]))) {
            Inspection report = image.inspect(false);
            report.problems().forEach(p -> System.out.println("problem: " + p));
            System.out.println("verdict: " + report.verdict());
            if (report.verdict() != Verdict.VALID) {
                System.exit(1); // the pages of an image that is not valid cannot be trusted (or are encrypted)
            }
            long withData = 0;
            long zero = 0;
            long firstPfn = -1;
            try (PhysicalPages pages = image.pages()) {
                for (PhysicalPage p = pages.next(); p != null; p = pages.next()) {
                    if (firstPfn < 0) {
                        firstPfn = p.pfn();
                    }
                    if (p.zero()) {
                        zero++;
                    } else {
                        withData++;
                    }
                }
            }
            System.out.println("pages: " + withData + " with data, " + zero + " zero, the first at PFN " + firstPfn);
        }
    }
}
