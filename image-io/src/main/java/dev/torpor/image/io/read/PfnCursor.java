package dev.torpor.image.io.read;

import dev.torpor.image.io.Problem;

import dev.torpor.image.io.ImageFormatException;

import dev.torpor.snapshot.api.PfnMetadata;
import dev.torpor.snapshot.api.TargetProfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Hands out the entries of the metadata pages in order, as the kernel's {@code unpack_orig_pfns} reads
 * them: each page up to its end marker ({@code ~0UL}). PFNs must ascend strictly (the kernel pairs data
 * pages with ascending PFNs); the 6.6+ zero-page flag is split off.
 */
final class PfnCursor {
    /** 2^52: the widest physical address space of any architecture Linux hibernates (x86_64, arm64). */
    static final long MAX_PHYSICAL_ADDRESS = 1L << 52;

    private final StreamCursor stream;
    private final TargetProfile target;
    private final PfnMetadata.Encoding encoding;
    private final long metaPages;
    private final List<Problem> problems;
    private final long maxPfn;
    private ByteBuffer page;
    private long pagesRead;
    private int index;
    private boolean pageEnded = true;
    private long previous = -1;
    private long entries;
    private long markerPage = -1;

    PfnCursor(StreamCursor stream, TargetProfile target, PfnMetadata.Encoding encoding, long metaPages,
              List<Problem> problems) {
        this.stream = stream;
        this.target = target;
        this.encoding = encoding;
        this.metaPages = metaPages;
        this.problems = problems;
        this.maxPfn = MAX_PHYSICAL_ADDRESS / target.pageSize() - 1;
    }

    /** The next entry, or {@code null} after the last metadata page. */
    PfnMetadata.Entry next() throws IOException {
        while (true) {
            if (pageEnded) {
                if (pagesRead == metaPages) {
                    return null;
                }
                page = stream.next();
                if (page == null) {
                    return null;
                }
                pagesRead++;
                index = 0;
                pageEnded = false;
            }
            if (index == target.wordsPerPage()) {
                pageEnded = true;
                continue;
            }
            long raw = PfnMetadata.rawEntry(page, index, target);
            int at = index;
            index++;
            if (encoding == PfnMetadata.Encoding.PFN) {
                if (raw == PfnMetadata.endMarker(target)) {
                    endPage(at);
                    continue;
                }
                return checked(PfnMetadata.decode(raw, target), at);
            }
            if (raw == 0) {
                pageEnded = true;
                continue;
            }
            return checked(new PfnMetadata.Entry(virtualToPfn(raw, at), false), at);
        }
    }

    /** Metadata entries handed out so far. */
    long entries() {
        return entries;
    }

    /** Metadata pages consumed so far. */
    long pagesRead() {
        return pagesRead;
    }

    private void endPage(int at) {
        for (int i = at + 1; i < target.wordsPerPage(); i++) {
            if (PfnMetadata.rawEntry(page, i, target) != 0) {
                problems.add(Problem.warning(where(i), "metadata page " + pagesRead
                        + " has non-zero entries after its end marker"));
                break;
            }
        }
        if (markerPage < 0 && pagesRead < metaPages) {
            problems.add(Problem.warning(where(at), "end marker on metadata page " + pagesRead + " of " + metaPages));
        }
        markerPage = pagesRead;
        pageEnded = true;
    }

    private PfnMetadata.Entry checked(PfnMetadata.Entry e, int at) throws ImageFormatException {
        if (e.pfn() > maxPfn) {
            throw new ImageFormatException(where(at), "metadata entry " + entries + " names PFN " + e.pfn()
                    + ", beyond the largest physical address (2^52)");
        }
        if (encoding == PfnMetadata.Encoding.PFN && e.pfn() <= previous) {
            throw new ImageFormatException(where(at), "metadata entry " + entries + " (PFN " + e.pfn()
                    + ") does not ascend from the previous PFN " + previous
                    + "; the kernel pairs data pages with ascending PFNs");
        }
        previous = e.pfn();
        entries++;
        return e;
    }

    private long virtualToPfn(long va, int at) throws ImageFormatException {
        long pageOffset;
        switch (target.arch()) {
            case "x86_64": pageOffset = 0xffff810000000000L; break;
            case "i386": pageOffset = 0xC0000000L; break;
            default:
                throw new ImageFormatException(where(at), "metadata entry " + entries
                        + " is a kernel virtual address (2.6.16-2.6.18 image) and the direct-map offset of architecture '"
                        + target.arch() + "' is not known; give --arch x86_64 or i386 if it is one of those");
        }
        if (Long.compareUnsigned(va, pageOffset) < 0) {
            throw new ImageFormatException(where(at), "metadata entry " + entries + " (virtual address 0x"
                    + Long.toHexString(va) + ") lies below the direct map at 0x" + Long.toHexString(pageOffset));
        }
        return (va - pageOffset) / target.pageSize();
    }

    /** Device byte offset of metadata entry {@code entryIndex} of the current page (its unit's, if compressed). */
    private long where(int entryIndex) {
        return stream.pageOffset() + (stream.plain() ? (long) entryIndex * target.wordSize() : 0);
    }
}
