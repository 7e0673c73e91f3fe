package dev.torpor.snapshot.api.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

/**
 * The physical memory of an emulated machine: which page frames exist ({@code present}), which hold data
 * worth saving ({@code used}), and which of those the kernel may drop to make the image smaller
 * ({@code reclaimable}, like page cache). Only non-zero pages take heap.
 */
public final class EmulatedMemory {
    /** What a page frame holds. */
    public enum State { FREE, USED, RECLAIMABLE }

    private final int pageSize;
    private final long pages;
    private final State[] state;
    private final NavigableMap<Long, byte[]> data = new TreeMap<>();

    /** {@code pages} present page frames, PFN 0 … pages−1, all free. */
    public EmulatedMemory(int pageSize, long pages) {
        if (pages <= 0 || pages > 1 << 24) {
            throw new IllegalArgumentException("emulated memory holds 1 to 2^24 pages, not " + pages);
        }
        this.pageSize = pageSize;
        this.pages = pages;
        this.state = new State[(int) pages];
        Arrays.fill(state, State.FREE);
    }

    public int pageSize() {
        return pageSize;
    }

    /** Present page frames ({@code num_physpages}). */
    public long presentPages() {
        return pages;
    }

    public boolean present(long pfn) {
        return pfn >= 0 && pfn < pages;
    }

    public State state(long pfn) {
        return state[(int) pfn];
    }

    /** Puts {@code content} (one page, or shorter: zero-padded) at {@code pfn} and marks it used or reclaimable. */
    public void put(long pfn, byte[] content, State s) {
        if (!present(pfn)) {
            throw new IllegalArgumentException("PFN " + pfn + " is not present");
        }
        byte[] page = Arrays.copyOf(content, pageSize);
        state[(int) pfn] = s;
        if (isZero(page)) {
            data.remove(pfn);
        } else {
            data.put(pfn, page);
        }
    }

    /** The contents of {@code pfn} (zeros for pages never written or free). */
    public byte[] get(long pfn) {
        byte[] p = data.get(pfn);
        return p == null ? new byte[pageSize] : p.clone();
    }

    /** Frees a page: its contents are gone. */
    public void free(long pfn) {
        state[(int) pfn] = State.FREE;
        data.remove(pfn);
    }

    /** Pages in the given state. */
    public long count(State s) {
        long n = 0;
        for (State x : state) {
            if (x == s) {
                n++;
            }
        }
        return n;
    }

    /**
     * Fills memory the way a running system looks: {@code used} pages of mixed content (a quarter zero pages,
     * some text, the rest random) and {@code reclaimable} page-cache pages, at scattered PFNs. Deterministic for a
     * seed.
     */
    public EmulatedMemory fillSynthetic(long seed, int used, int reclaimable) {
        Random rnd = new Random(seed);
        if (used + reclaimable > pages) {
            throw new IllegalArgumentException("more pages than memory");
        }
        int placed = 0;
        while (placed < used + reclaimable) {
            long pfn = rnd.nextInt((int) pages);
            if (state[(int) pfn] != State.FREE) {
                continue;
            }
            byte[] page = new byte[pageSize];
            int kind = rnd.nextInt(4);
            if (kind == 1) {
                byte[] text = ("emulated page " + pfn + " of seed " + seed + "\n").getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i + text.length <= pageSize; i += text.length) {
                    System.arraycopy(text, 0, page, i, text.length);
                }
            } else if (kind >= 2) {
                rnd.nextBytes(page);
            }
            put(pfn, page, placed < used ? State.USED : State.RECLAIMABLE);
            placed++;
        }
        return this;
    }

    /**
     * Memory filled from a raw physical-memory dump ({@code torpor extract --format raw}: page PFN at byte
     * PFN × page size). Non-zero pages become used pages; {@code usedZeroPfns} names PFNs that were saved as
     * zero pages (they read as holes in the dump) so that they are saved again. The dump's size, rounded up to
     * pages, is the memory size unless {@code pages} is larger.
     */
    public static EmulatedMemory fromRawDump(java.nio.file.Path dump, int pageSize, long pages,
                                             java.util.Set<Long> usedZeroPfns) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dump,
                java.nio.file.StandardOpenOption.READ)) {
            long dumpPages = (ch.size() + pageSize - 1) / pageSize;
            EmulatedMemory m = new EmulatedMemory(pageSize, Math.max(pages, dumpPages));
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(pageSize);
            for (long pfn = 0; pfn < dumpPages; pfn++) {
                buf.clear();
                while (buf.hasRemaining() && ch.read(buf, pfn * pageSize + buf.position()) > 0) {
                    // fill the page (the last one may be short)
                }
                byte[] page = buf.array();
                if (!isZero(page)) {
                    m.put(pfn, page, State.USED);
                } else if (usedZeroPfns.contains(pfn)) {
                    m.put(pfn, new byte[0], State.USED);
                }
            }
            return m;
        }
    }

    /** A copy of the contents of every non-free page, for comparisons. */
    public Map<Long, byte[]> snapshotOfSavedPages() {
        Map<Long, byte[]> m = new TreeMap<>();
        for (long pfn = 0; pfn < pages; pfn++) {
            if (state[(int) pfn] != State.FREE) {
                m.put(pfn, get(pfn));
            }
        }
        return m;
    }

    static boolean isZero(byte[] p) {
        for (byte b : p) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
