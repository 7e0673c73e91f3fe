package dev.torpor.image.io.write;

import dev.torpor.image.io.read.BatchedPageSource;
import dev.torpor.image.io.codec.Crc32Le;
import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.PageSource;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.swap.format.CompressedUnits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pipeline of unit transformers feeding one writer: the stream is cut into units of up to 32 pages,
 * every unit runs through the stages (on up to {@code threads} threads), is framed (a length field, the bytes,
 * padding to whole pages) and stored in stream order through the {@link MapWriter}, so the bytes on disk do not
 * depend on the thread count. At most {@code 2 × threads + 1} units are in memory.
 */
final class UnitPipeline {
    private final List<UnitTransformer> stages;
    private final int pageSize;
    private final int lengthField;
    private final KernelByteOrder order;
    private final int threads;

    /**
     * @param lengthField bytes of the length field before each unit's bytes (the kernel: {@code sizeof(size_t)})
     * @param order       byte order of the length field
     */
    UnitPipeline(List<UnitTransformer> stages, int pageSize, int lengthField, KernelByteOrder order, int threads) {
        this.stages = List.copyOf(stages);
        this.pageSize = pageSize;
        this.lengthField = lengthField;
        this.order = order;
        this.threads = threads;
    }

    /** Bytes of the largest framed unit. */
    private int maxFramed() {
        int n = CompressedUnits.uncompressedSize(pageSize);
        for (UnitTransformer t : stages) {
            n = Math.max(n, t.maxOutput(n));
        }
        return ((lengthField + n + pageSize - 1) / pageSize) * pageSize;
    }

    /** The memory the pipeline needs at most: its unit buffers and every stage's working memory per thread. */
    long memoryBound() {
        long perUnit = CompressedUnits.uncompressedSize(pageSize) + 2L * maxFramed();
        long working = 0;
        for (UnitTransformer t : stages) {
            working += t.workingMemory();
        }
        return (2L * threads + 1) * perUnit + threads * working;
    }

    /**
     * One unit's buffers, and a view over each of the two it can be framed in: made once, so that framing and storing
     * a unit allocate nothing (the collector is frozen while a hibernation stores its image).
     */
    private final class Unit {
        final byte[] unc = new byte[CompressedUnits.uncompressedSize(pageSize)];
        final byte[] a = new byte[maxFramed()];
        final byte[] b = new byte[maxFramed()];
        final ByteBuffer viewA = ByteBuffer.wrap(a).order(order.nio());
        final ByteBuffer viewB = ByteBuffer.wrap(b).order(order.nio());
        /** The unit's own checksum, computed beside its compression when threads compress. */
        final java.util.zip.CRC32 standard = new java.util.zip.CRC32();
        byte[] framed;
        int uncLen;
        int framedLen;
        long index;
        boolean last;
        /** {@code crc32_le(0, unc)}, or -1 when the writing thread adds the bytes itself. */
        long crc = -1;
    }

    /** The writer's side of a run: where units go, and what to call as pages are stored. */
    interface Sink {
        void store(ByteBuffer page) throws IOException;

        void stored(int streamPages);
    }

    /**
     * Runs {@code units} units over {@code pages} pages of {@code source} into {@code sink}; {@code crc} (may be
     * null) takes the uncompressed bytes in stream order.
     */
    void run(PageSource source, long pages, Crc32Le crc, Sink sink, PhaseClock clock) throws IOException {
        long units = (pages + CompressedUnits.UNC_PAGES - 1) / CompressedUnits.UNC_PAGES;
        BlockingQueue<Unit> free = new ArrayBlockingQueue<>(2 * threads + 1);
        for (int i = 0; i < 2 * threads + 1; i++) {
            free.add(new Unit());
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "torpor-unit");
            t.setDaemon(true);
            return t;
        }) : null;
        Deque<Future<Unit>> inflight = new ArrayDeque<>();
        BatchedPageSource batched = source instanceof BatchedPageSource b ? b : null;
        long read = 0;
        try {
            for (long index = 0; index < units; index++) {
                long t0 = System.nanoTime();
                Unit u = take(free);
                int n = (int) Math.min(CompressedUnits.UNC_PAGES, pages - read);
                for (int i = 0; i < n; ) {
                    int got = batched != null ? batched.nextPages(u.unc, i * pageSize, n - i)
                            : nextPage(source, u.unc, i, read + i);
                    if (got <= 0) {
                        throw new ImageFormatException((read + i) * pageSize, "the stream ends after " + (read + i)
                                + " of the " + pages + " pages announced");
                    }
                    i += got;
                }
                read += n;
                u.uncLen = n * pageSize;
                u.index = index;
                u.last = index == units - 1;
                long t1 = System.nanoTime();
                clock.read += t1 - t0;
                if (pool == null) {
                    transform(u);
                    long t2 = System.nanoTime();
                    clock.transform += t2 - t1;
                    store(u, free, crc, sink, clock);
                    clock.store += System.nanoTime() - t2;
                } else {
                    // the unit's checksum too is computed beside its compression, and appended in stream order
                    boolean checksum = crc != null;
                    inflight.add(pool.submit(() -> {
                        if (checksum) {
                            u.crc = Crc32Le.of(u.unc, 0, u.uncLen, u.standard);
                        }
                        return transform(u);
                    }));
                    while (inflight.size() >= 2 * threads) {
                        storeNext(inflight, free, crc, sink, clock);
                    }
                }
            }
            while (!inflight.isEmpty()) {
                storeNext(inflight, free, crc, sink, clock);
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** Copies the next page of {@code source} to page {@code i} of {@code unc}: 1, or 0 at the end of the stream. */
    private int nextPage(PageSource source, byte[] unc, int i, long streamPage) throws IOException {
        ByteBuffer page = source.next();
        if (page == null) {
            return 0;
        }
        if (page.remaining() != pageSize) {
            throw new ImageFormatException(streamPage * pageSize, "stream page " + streamPage + " has "
                    + page.remaining() + " bytes, not " + pageSize);
        }
        page.get(page.position(), unc, i * pageSize, pageSize); // absolute: no duplicate allocated per page
        return 1;
    }

    /** Waits for the oldest unit in flight (time counted as transforming) and stores it. */
    private void storeNext(Deque<Future<Unit>> inflight, BlockingQueue<Unit> free, Crc32Le crc, Sink sink,
                           PhaseClock clock) throws IOException {
        long t0 = System.nanoTime();
        Unit u = await(inflight.poll());
        long t1 = System.nanoTime();
        clock.transform += t1 - t0;
        store(u, free, crc, sink, clock);
        clock.store += System.nanoTime() - t1;
    }

    private Unit transform(Unit u) throws IOException {
        byte[] in = u.unc;
        int len = u.uncLen;
        byte[] out = u.a;
        for (UnitTransformer t : stages) {
            len = t.apply(u.index, u.last, in, len, out);
            in = out;
            out = out == u.a ? u.b : u.a;
        }
        // frame: length field, the bytes, zero padding to whole pages
        byte[] framed = out;
        int end = lengthField + len;
        int padded = (end + pageSize - 1) / pageSize * pageSize;
        java.util.Arrays.fill(framed, end, padded, (byte) 0);
        ByteBuffer f = framed == u.a ? u.viewA : u.viewB;
        if (lengthField == 8) {
            f.putLong(0, len);
        } else {
            f.putInt(0, len);
        }
        System.arraycopy(in, 0, framed, lengthField, len);
        u.framed = framed;
        u.framedLen = lengthField + len;
        return u;
    }

    private void store(Unit u, BlockingQueue<Unit> free, Crc32Le crc, Sink sink, PhaseClock clock) throws IOException {
        if (crc != null) {
            long t0 = System.nanoTime();
            if (u.crc >= 0) {
                crc.append(u.crc, u.uncLen);
                u.crc = -1;
            } else {
                crc.update(u.unc, 0, u.uncLen);
            }
            clock.checksum += System.nanoTime() - t0;
        }
        int pagesOut = (u.framedLen + pageSize - 1) / pageSize;
        ByteBuffer view = u.framed == u.a ? u.viewA : u.viewB;
        for (int i = 0; i < pagesOut; i++) {
            // the sink takes the page between position and limit, and keeps no reference to the view
            view.limit((i + 1) * pageSize).position(i * pageSize);
            sink.store(view);
        }
        view.clear();
        sink.stored(u.uncLen / pageSize);
        free.add(u);
    }

    private static Unit take(BlockingQueue<Unit> free) throws IOException {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while writing the image");
        }
    }

    private static Unit await(Future<Unit> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while transforming units");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            throw new IOException("unit transformation failed: " + e.getCause(), e.getCause());
        }
    }
}
