package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwapSignature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.LongConsumer;

/**
 * Finds every swap area and hibernation image on a disk: at the start of each volume, and (unless told not to)
 * as swap files inside file systems, by the swap signature at the end of every page-aligned 4 KiB block. Each
 * finding is inspected as {@code inspect} would.
 */
public final class DiskScan {
    /** Bytes read at a time while searching a volume for swap files. */
    static final int CHUNK = 4 << 20;
    /** Swap areas inspected on one disk at most: more is a planted pattern, not a disk anyone used. */
    static final int MAX_FINDINGS = 256;
    private static final int BLOCK = 4096;
    private final boolean searchFiles;
    private final boolean full;
    private final LongConsumer progress;

    /**
     * @param searchFiles whether to search file systems (and unknown volumes) for swap files, which reads them whole
     * @param full        whether to inspect each image fully (decompress, CRC32) rather than its headers and map
     * @param progress    told the bytes searched so far, after each chunk
     */
    public DiskScan(boolean searchFiles, boolean full, LongConsumer progress) {
        this.searchFiles = searchFiles;
        this.full = full;
        this.progress = progress;
    }

    /** Scans {@code disk} ({@code size} bytes, or -1 to ask the channel). The channel stays open. */
    public ScanReport scan(FileChannel disk, long size, String source) throws IOException {
        DiskLayout layout = DiskLayout.read(disk, size, source);
        List<ScannedVolume> out = new ArrayList<>();
        List<Problem> problems = new ArrayList<>(layout.problems());
        long[] searched = {0};
        int[] found = {0};
        List<DiskExtent> searchedRanges = new ArrayList<>();
        for (Volume v : layout.volumes()) {
            try (VolumeChannel ch = new VolumeChannel(disk, v.extents(), false)) {
                VolumeContent content = VolumeContent.of(ch);
                List<Finding> findings = new ArrayList<>();
                if (content.type() == VolumeContent.Type.SWAP_AREA) {
                    if (found[0]++ < MAX_FINDINGS) {
                        findings.add(inspect(disk, v, 0, OptionalInt.empty()));
                    }
                } else if (searchFiles && content.type().mayHoldSwapFiles()) {
                    Optional<DiskExtent> overlap = overlap(v, searchedRanges);
                    if (overlap.isPresent()) {
                        problems.add(Problem.warning(v.diskOffset(), v.name() + " overlaps bytes "
                                + overlap.get().diskOffset() + "+" + overlap.get().length()
                                + " that were searched already; it is not searched again"));
                    } else {
                        searchFiles(disk, ch, v, findings, searched, found, problems);
                        searchedRanges.addAll(v.extents());
                    }
                }
                out.add(new ScannedVolume(v, content, findings));
            }
        }
        if (found[0] > MAX_FINDINGS) {
            problems.add(Problem.warning(0, found[0] + " swap signatures found; only the first " + MAX_FINDINGS
                    + " were inspected"));
        }
        return new ScanReport(layout, out, problems);
    }

    private static Optional<DiskExtent> overlap(Volume v, List<DiskExtent> searched) {
        for (DiskExtent e : v.extents()) {
            for (DiskExtent s : searched) {
                if (e.diskOffset() < s.diskOffset() + s.length() && s.diskOffset() < e.diskOffset() + e.length()) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    /** Inspects the swap area whose header is page {@code resumeOffset} of {@code v} (of {@code page} bytes if given). */
    private Finding inspect(FileChannel disk, Volume v, long resumeOffset, OptionalInt page) throws IOException {
        ReadOptions o = ReadOptions.defaults().withResumeOffset(resumeOffset);
        if (page.isPresent()) {
            o = o.withPageSize(page.getAsInt());
        }
        VolumeChannel ch = new VolumeChannel(disk, v.extents(), false);
        try (HibernationImage image = HibernationImage.open(ch, v.size(), v.name(), o)) {
            Inspection r = image.inspect(!full);
            int pageSize = image.pageSize();
            return new Finding(v.name(), resumeOffset, pageSize, ch.diskOffset(resumeOffset * pageSize), r);
        }
    }

    /**
     * Searches {@code v} block by block. A swap file's pages need not follow its header on the disk (file systems
     * fragment files), so the search goes on right after each header it finds.
     */
    private void searchFiles(FileChannel disk, VolumeChannel ch, Volume v, List<Finding> findings, long[] searched,
                             int[] found, List<Problem> problems) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long pos = BLOCK; // the volume's own first page is its content, told apart already
        while (pos + BLOCK <= v.size()) {
            buf.clear().limit((int) Math.min(CHUNK, (v.size() - pos) / BLOCK * BLOCK));
            long base = pos;
            while (buf.hasRemaining()) {
                int n = ch.read(buf, base + buf.position());
                if (n <= 0) {
                    break;
                }
            }
            int got = buf.position() / BLOCK * BLOCK;
            if (got == 0) {
                return; // the disk is shorter than the table says; the layout's problems say so
            }
            for (int b = 0; b < got; b += BLOCK) {
                byte c = buf.get(b + BLOCK - SwapSignature.LENGTH);
                if (c != 'S' && c != 'U' && c != 'L' && c != 'T') {
                    continue;
                }
                if (SwapSignature.at(buf, b + BLOCK - SwapSignature.LENGTH).isEmpty()) {
                    continue;
                }
                if (found[0] >= MAX_FINDINGS) {
                    found[0]++;
                    continue;
                }
                Optional<Finding> f = candidate(disk, ch, v, base + b + BLOCK);
                if (f.isPresent()) {
                    found[0]++;
                    findings.add(f.get());
                }
            }
            pos = base + got;
            searched[0] += got;
            progress.accept(searched[0]);
        }
    }

    /**
     * A swap area whose signature ends at volume byte {@code sigEnd}: its header page is the page of some size that
     * ends there and holds swap version 1. The smallest page size is tried first: a larger page's block before the
     * signature is the header's own unused space, where no version field reads 1.
     */
    private Optional<Finding> candidate(FileChannel disk, VolumeChannel ch, Volume v, long sigEnd) throws IOException {
        for (int p : SwapHeader.pageSizes()) {
            long header = sigEnd - p;
            if (header <= 0 || header % p != 0) {
                continue;
            }
            ByteBuffer page = Reads.at(ch, header, p);
            if (page.limit() < p || SwapHeader.byteOrderOfVersion(page).isEmpty()) {
                continue;
            }
            return Optional.of(inspect(disk, v, header / p, OptionalInt.of(p)));
        }
        return Optional.empty();
    }
}
