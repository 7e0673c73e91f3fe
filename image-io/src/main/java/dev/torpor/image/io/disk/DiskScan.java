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
import java.util.function.LongConsumer;

/**
 * Finds every swap area and hibernation image on a disk: at the start of each volume, and (unless told not to)
 * as swap files inside file systems, by the swap signature at the end of every page-aligned 4 KiB block. Each
 * finding is inspected as {@code inspect} would.
 */
public final class DiskScan {
    /** Bytes read at a time while searching a volume for swap files. */
    static final int CHUNK = 4 << 20;
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
        for (Volume v : layout.volumes()) {
            try (VolumeChannel ch = new VolumeChannel(disk, v.extents(), false)) {
                VolumeContent content = VolumeContent.of(ch);
                List<Finding> findings = new ArrayList<>();
                if (content.type() == VolumeContent.Type.SWAP_AREA) {
                    findings.add(inspect(disk, v, 0, OptionalPage.none()));
                } else if (searchFiles && content.type().mayHoldSwapFiles()) {
                    searchFiles(disk, ch, v, findings, searched);
                }
                out.add(new ScannedVolume(v, content, findings));
            }
        }
        return new ScanReport(layout, out, problems);
    }

    /** A page size to insist on, or none (then the reader detects it). */
    private record OptionalPage(int size) {
        static OptionalPage none() {
            return new OptionalPage(0);
        }
    }

    private Finding inspect(FileChannel disk, Volume v, long resumeOffset, OptionalPage page) throws IOException {
        ReadOptions o = ReadOptions.defaults().withResumeOffset(resumeOffset);
        if (page.size() != 0) {
            o = o.withPageSize(page.size());
        }
        VolumeChannel ch = new VolumeChannel(disk, v.extents(), false);
        try (HibernationImage image = HibernationImage.open(ch, v.size(), v.name(), o)) {
            Inspection r = image.inspect(!full);
            int pageSize = image.pageSize();
            return new Finding(v.name(), resumeOffset, pageSize, ch.diskOffset(resumeOffset * pageSize), r);
        }
    }

    private void searchFiles(FileChannel disk, VolumeChannel ch, Volume v, List<Finding> findings, long[] searched)
            throws IOException {
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
            long skipTo = -1;
            for (int b = 0; b < got; b += BLOCK) {
                byte c = buf.get(b + BLOCK - SwapSignature.LENGTH);
                if (c != 'S' && c != 'U' && c != 'L' && c != 'T') {
                    continue;
                }
                if (SwapSignature.at(buf, b + BLOCK - SwapSignature.LENGTH).isEmpty()) {
                    continue;
                }
                Optional<Finding> f = candidate(disk, ch, v, base + b + BLOCK);
                if (f.isPresent()) {
                    findings.add(f.get());
                    long end = f.get().inspection().swap().map(h -> h.lastPage() + 1).orElse(1L) * f.get().pageSize()
                            + f.get().resumeOffset() * f.get().pageSize();
                    skipTo = Math.max(end, base + b + BLOCK);
                    break;
                }
            }
            pos = skipTo > 0 ? (skipTo + BLOCK - 1) / BLOCK * BLOCK : base + got;
            searched[0] += got;
            progress.accept(searched[0]);
        }
    }

    /**
     * A swap area whose signature ends at volume byte {@code sigEnd}: its header page is the page of some size that
     * ends there and holds swap version 1; the largest page size that fits is tried first.
     */
    private Optional<Finding> candidate(FileChannel disk, VolumeChannel ch, Volume v, long sigEnd) throws IOException {
        int[] sizes = SwapHeader.pageSizes();
        for (int i = sizes.length - 1; i >= 0; i--) {
            int p = sizes[i];
            long header = sigEnd - p;
            if (header <= 0 || header % p != 0) {
                continue;
            }
            ByteBuffer page = Reads.at(ch, header, p);
            if (page.limit() < p || SwapHeader.byteOrderOfVersion(page).isEmpty()) {
                continue;
            }
            return Optional.of(inspect(disk, v, header / p, new OptionalPage(p)));
        }
        return Optional.empty();
    }
}
