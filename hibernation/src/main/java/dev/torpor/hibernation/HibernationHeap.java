package dev.torpor.hibernation;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.OptionalLong;

/**
 * Whether this JVM's young generation carries what storing the largest image of this machine allocates. The
 * collector is frozen with the system while the image is stored, so a collection then would hang the machine:
 * hibernate checks this before it freezes anything.
 */
public final class HibernationHeap {
    /** Garbage of the write path per stream page with one thread (measured 1; WritePathAllocationTest holds it). */
    public static final long BYTES_PER_PAGE = 2;
    /** With compression threads: a task and a hand-over per unit of 32 pages (measured 3-4). */
    public static final long BYTES_PER_PAGE_THREADED = 8;
    /** Torpor's encrypted kind: the JDK's AES-GCM allocates its engine for every unit it seals (measured 57-61). */
    public static final long BYTES_PER_PAGE_ENCRYPTED = 64;

    private HibernationHeap() {
    }

    /**
     * The most stream pages the kernel can make here: the image is a copy of memory that must fit in the other half
     * ({@code swsusp_save}), so half of all memory, plus a page of PFN metadata for every 512 pages.
     */
    public static long maxImagePages(long memTotalBytes, int pageSize) {
        long data = memTotalBytes / 2 / pageSize;
        return data + data / (pageSize / 8) + 2;
    }

    /** Bytes the write path may allocate after the snapshot: its units and buffers, and the garbage per page. */
    public static long needed(long pages, int threads, boolean encrypted, long fixedBytes) {
        return fixedBytes + pages * (encrypted ? BYTES_PER_PAGE_ENCRYPTED
                : threads > 1 ? BYTES_PER_PAGE_THREADED : BYTES_PER_PAGE);
    }

    /** The capacity of this JVM's eden (the young generation without its survivor spaces), if it says. */
    public static OptionalLong edenBytes() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getName().toLowerCase(java.util.Locale.ROOT).contains("eden")) {
                long max = pool.getUsage().getMax();
                return max > 0 ? OptionalLong.of(max) : OptionalLong.of(pool.getUsage().getCommitted());
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Refuses ({@link TooSmall}), before anything is frozen, when {@code eden} cannot carry the largest image of a
     * machine with {@code memTotalBytes}; otherwise returns a line for the log.
     */
    public static String check(long eden, long memTotalBytes, int pageSize, int threads, boolean encrypted,
                               long fixedBytes) {
        long pages = maxImagePages(memTotalBytes, pageSize);
        long need = needed(pages, threads, encrypted, fixedBytes);
        String figures = String.format("eden %.1f MB; the largest image of this machine (%d MB of memory) is %d "
                        + "pages, whose storing allocates up to %.1f MB with %d thread(s)%s", eden / 1e6,
                memTotalBytes >> 20, pages, need / 1e6, threads, encrypted ? ", encrypted" : "");
        if (need > eden) {
            // the serial collector gives eden 8/10 of the young generation; the old generation keeps its 24 MB
            long young = (need * 10 / 8 >> 20) + 2;
            throw new TooSmall(figures, "-Xms" + (young + 24) + "m -Xmx" + (young + 24) + "m -Xmn" + young + "m",
                    threads > 1);
        }
        return "heap: " + figures;
    }

    /** The young generation cannot carry the largest image; {@link #heapOptions()} says what would. */
    public static final class TooSmall extends HibernationRefused {
        private static final long serialVersionUID = 1L;
        private final String figures;
        private final String heapOptions;
        private final boolean fewerThreadsHelp;

        TooSmall(String figures, String heapOptions, boolean fewerThreadsHelp) {
            super("the JVM's young generation cannot carry storing the largest image this machine can make ("
                    + figures + "), and a collection while the system is frozen would hang it: run the JVM with "
                    + heapOptions + (fewerThreadsHelp ? ", or with fewer threads" : ""));
            this.figures = figures;
            this.heapOptions = heapOptions;
            this.fewerThreadsHelp = fewerThreadsHelp;
        }

        /** Eden, the largest image and what storing it allocates. */
        public String figures() {
            return figures;
        }

        /** The {@code -Xms -Xmx -Xmn} options whose young generation carries it. */
        public String heapOptions() {
            return heapOptions;
        }

        /** Whether fewer compression threads would need less. */
        public boolean fewerThreadsHelp() {
            return fewerThreadsHelp;
        }
    }
}
