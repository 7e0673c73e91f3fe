package dev.torpor.image.io.write;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.codec.Crc32Le;
import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.PageSource;
import dev.torpor.image.io.Progress;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.swap.format.CompressedUnits;
import dev.torpor.swap.format.HeaderLayout;
import dev.torpor.swap.format.ImageFlags;
import dev.torpor.swap.format.SwapSignature;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * Stores a snapshot stream in a swap area the way the kernel's writer ({@code kernel/power/swap.c}) does,
 * so that the kernel resumes it:
 *
 * <ol>
 *   <li>a slot for the first swap-map page, then one slot per stored page, the header page first;</li>
 *   <li>uncompressed: each stream page in its own slot; compressed: units of up to 32 pages, each a
 *       {@code size_t} length and the LZO1X-1 / LZ4 bytes, padded to whole pages, with the kernel's CRC32 over
 *       the uncompressed pages;</li>
 *   <li>when a map page is full, the next map slot is allocated at once and linked;</li>
 *   <li>everything is made durable ({@code fsync}), and only then the signature page is rewritten
 *       ({@code orig_sig}, {@code S1SUSPEND}, first map page, flags, CRC32) and made durable.</li>
 * </ol>
 *
 * A failure before the last step leaves the area a plain swap area. With several threads units are
 * compressed in parallel but written in stream order, so the bytes on disk do not depend on the thread
 * count. Memory: at most {@code 2 × threads + 1} units of 32 pages.
 */
public final class ImageWriter {

    /**
     * How to write.
     *
     * @param compressor   none (one slot per page), LZO (the kernel's default) or LZ4 (6.9+ kernels)
     * @param threads      compression threads (1 compresses on the calling thread)
     * @param layout       era of the signature fields to write (the target kernel's)
     * @param sectorSize   width of map entries and of the {@code image} field ({@code sizeof(sector_t)})
     * @param platformMode set {@code SF_PLATFORM_MODE} (resume through ACPI S4 platform operations)
     * @param progress     told as stream pages are stored ({@link Progress#NONE}: nobody)
     * @param registry     where to record meters (by default Micrometer's global registry)
     * @param key          write Torpor's encrypted kind with this key (AES-256-GCM per unit, under Torpor's own
     *                     signature, which the kernel does not resume: {@code torpor resume --key} does); empty: the
     *                     kernel's kind
     * @param kdfIterations PBKDF2 iterations when the key is a passphrase
     */
    public record Options(Compressor compressor, int threads, HeaderLayout layout, int sectorSize, boolean platformMode,
                          Progress progress, MeterRegistry registry, Optional<KeyMaterial> key, int kdfIterations) {
        public Options {
            Objects.requireNonNull(key, "key");
            if (key.isPresent() && (layout != HeaderLayout.V5_17 || sectorSize != 8)) {
                throw new IllegalArgumentException("Torpor's encrypted kind is written in the 5.17 layout with 8-byte "
                        + "map entries only, not " + layout.label() + " with " + sectorSize);
            }
            if (kdfIterations < 1) {
                throw new IllegalArgumentException("kdfIterations must be positive, not " + kdfIterations);
            }
            Objects.requireNonNull(compressor, "compressor");
            Objects.requireNonNull(layout, "layout");
            Objects.requireNonNull(progress, "progress (Progress.NONE for nobody)");
            Objects.requireNonNull(registry, "registry");
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be 1..64, not " + threads);
            }
            if (sectorSize != 4 && sectorSize != 8) {
                throw new IllegalArgumentException("sector size must be 4 or 8, not " + sectorSize);
            }
            if (!layout.hasFlags() && compressor != Compressor.NONE) {
                throw new IllegalArgumentException("the " + layout.label() + " layout has no flags: "
                        + "kernels of that era read only uncompressed images");
            }
        }

        /** LZO, one thread, the 5.17+ layout with 8-byte map entries. */
        public static Options defaults() {
            return new Options(Compressor.LZO, 1, HeaderLayout.V5_17, 8, false, Progress.NONE, Metrics.globalRegistry,
                    Optional.empty(), KeyMaterial.DEFAULT_ITERATIONS);
        }

        public Options withCompressor(Compressor c) {
            return new Options(c, threads, layout, sectorSize, platformMode, progress, registry, key, kdfIterations);
        }

        public Options withThreads(int n) {
            return new Options(compressor, n, layout, sectorSize, platformMode, progress, registry, key, kdfIterations);
        }

        public Options withProgress(Progress p) {
            return new Options(compressor, threads, layout, sectorSize, platformMode, p, registry, key, kdfIterations);
        }

        public Options withRegistry(MeterRegistry r) {
            return new Options(compressor, threads, layout, sectorSize, platformMode, progress, r, key, kdfIterations);
        }

        public Options withPlatformMode(boolean platform) {
            return new Options(compressor, threads, layout, sectorSize, platform, progress, registry, key, kdfIterations);
        }

        public Options withLayout(HeaderLayout l, int sector) {
            return new Options(compressor, threads, l, sector, platformMode, progress, registry, key, kdfIterations);
        }

        /** Torpor's encrypted kind with {@code k}, compressed first with {@link #compressor()}. */
        public Options withEncryption(KeyMaterial k) {
            return new Options(compressor, threads, layout, sectorSize, platformMode, progress, registry,
                    Optional.of(k), kdfIterations);
        }

        /** PBKDF2 iterations for a passphrase key (default {@link KeyMaterial#DEFAULT_ITERATIONS}). */
        public Options withKdfIterations(int n) {
            return new Options(compressor, threads, layout, sectorSize, platformMode, progress, registry, key, n);
        }
    }

    /**
     * What was written.
     *
     * @param pages        stream pages (header page included)
     * @param storedPages  area pages holding stream data (non-zero map entries)
     * @param mapPages     swap-map pages
     * @param units        compressed units (0 uncompressed)
     * @param bytesIn      uncompressed stream bytes
     * @param bytesOut     bytes written to the area, map and signature page included
     * @param crc32        {@code crc32_le(0, …)} over stream pages 1 … pages−1 (stored only when compressed)
     * @param flags        the flags written
     * @param firstMapPage device page of the first map page (the header's {@code image})
     * @param phases       where the time went
     */
    public record Result(long pages, long storedPages, long mapPages, long units, long bytesIn, long bytesOut, long crc32,
                         long flags, long firstMapPage, Phases phases) {
    }

    /**
     * Where a write's time went, in nanoseconds.
     *
     * @param read      taking pages from the stream (for a hibernation: reading {@code /dev/snapshot})
     * @param transform compressing (and sealing), or waiting for the threads that do
     * @param checksum  the CRC32 of the uncompressed stream
     * @param slots     allocating slots ({@code ALLOC_SWAP_PAGE}) and copying pages into the write buffer
     * @param write     writing runs of slots into the area (with a syncing store, its periodic syncs)
     * @param sync      the final syncs and the signature page
     */
    public record Phases(long read, long transform, long checksum, long slots, long write, long sync) {
        /** As text: seconds per phase. */
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "read %.2f s, compress %.2f s, crc32 %.2f s, slots %.2f s, "
                    + "write %.2f s, sync %.2f s", read / 1e9, transform / 1e9, checksum / 1e9, slots / 1e9,
                    write / 1e9, sync / 1e9);
        }
    }

    private ImageWriter() {
    }

    /** The kernel's pipeline: one compression stage; units framed with a native {@code size_t} length. */
    static UnitPipeline pipeline(Options o, TargetProfile target) {
        return new UnitPipeline(java.util.List.of(new Compression(o.compressor())), target.pageSize(),
                target.wordSize(), target.byteOrder(), o.threads());
    }

    /**
     * The most heap a write with these options needs for its units, stage buffers and working memory (the
     * stages declare theirs); the map page and one run of {@value MapWriter#RUN} pages (off-heap) come on top.
     */
    public static long memoryBound(Options o, TargetProfile target) {
        long mapAndRun = (MapWriter.RUN + 2L) * target.pageSize();
        return o.compressor() == Compressor.NONE ? mapAndRun : pipeline(o, target).memoryBound() + mapAndRun;
    }

    /**
     * Writes {@code source} (header page first) into {@code area}: the kernel's kind, or Torpor's encrypted kind
     * where {@link Options#key()} is given.
     *
     * @throws ImageFormatException            if the stream's header page is not consistent with its length
     * @throws SlotAllocator.NoSpaceException  if the area is too small (it is left a plain swap area)
     */
    public static Result write(PageSource source, TargetProfile target, SwapArea area, SlotAllocator slots,
                               Options options) throws IOException {
        if (options.key().isPresent()) {
            return EncryptedImageWriter.write(source, target, area, slots, options);
        }
        if (target.pageSize() != area.pageSize()) {
            throw new IllegalArgumentException("the stream has " + target.pageSize() + "-byte pages, the swap area "
                    + area.pageSize());
        }
        ByteBuffer first = source.next();
        if (first == null || first.remaining() != target.pageSize()) {
            throw new ImageFormatException(0, "the stream is empty or its first page is not a whole page");
        }
        ByteBuffer header = ByteBuffer.allocate(target.pageSize()).put(first.duplicate()).flip();
        if (!SnapshotInfo.plausible(header, target)) {
            throw new ImageFormatException(0, "the stream's header page is not consistent for " + target
                    + " (size = pages x page size, image_pages < pages)");
        }
        SnapshotInfo info = SnapshotInfo.parse(header, target);
        Meters meters = new Meters(options.registry());
        MapWriter map = new MapWriter(area, slots, options.sectorSize(), meters);
        Run run = new Run(source, target, map, options, info.pages(), meters);
        map.store(header);
        run.afterPage();
        long units = options.compressor() == Compressor.NONE ? run.plain() : run.compressed();
        if (source.next() != null) {
            throw new ImageFormatException(info.pages() * target.pageSize(), "the stream holds more pages than the "
                    + info.pages() + " its header page announces");
        }
        long finish = System.nanoTime();
        map.finish();
        run.clock.write = map.writeNanos;
        long synced = System.nanoTime();
        run.clock.store += synced - finish;
        area.store().force();
        long flags = (options.compressor() == Compressor.NONE ? ImageFlags.NOCOMPRESS : ImageFlags.CRC32)
                | (options.compressor() == Compressor.LZ4 ? ImageFlags.LZ4 : 0)
                | (options.platformMode() ? ImageFlags.PLATFORM : 0);
        markSwapfiles(area, options, map.firstMapPage(), flags, run.crc.value());
        run.clock.sync = System.nanoTime() - synced;
        return new Result(info.pages(), map.stored, map.mapPages, units, info.pages() * target.pageSize(),
                map.bytesOut + area.pageSize(), run.crc.value(), flags, map.firstMapPage(), run.clock.phases());
    }

    /** The kernel's {@code mark_swapfiles} ({@link SignaturePage}) with this writer's layout and signature. */
    private static void markSwapfiles(SwapArea area, Options o, long firstMap, long flags, long crc) throws IOException {
        SignaturePage.mark(area, o.layout(), o.sectorSize(), SwapSignature.S1SUSPEND, firstMap, flags, crc);
    }

    /** The body of one write. */
    private static final class Run {
        final PageSource source;
        final TargetProfile target;
        final MapWriter map;
        final Options options;
        final long total;
        final Meters meters;
        final Crc32Le crc = new Crc32Le();
        final PhaseClock clock = new PhaseClock();
        final int p;
        long done;

        Run(PageSource source, TargetProfile target, MapWriter map, Options options, long total, Meters meters) {
            this.source = source;
            this.target = target;
            this.map = map;
            this.options = options;
            this.total = total;
            this.meters = meters;
            this.p = target.pageSize();
        }

        void afterPage() {
            afterPages(1);
        }

        void afterPages(int n) {
            done += n;
            meters.pages.increment(n);
            meters.bytesIn.increment((double) n * p);
            options.progress().update(done, total, map.bytesOut);
        }

        private ByteBuffer nextPage() throws IOException {
            ByteBuffer page = source.next();
            if (page == null) {
                throw new ImageFormatException(done * p, "the stream ends after " + done + " of the " + total
                        + " pages its header page announces");
            }
            if (page.remaining() != p) {
                throw new ImageFormatException(done * p, "stream page " + done + " has " + page.remaining()
                        + " bytes, not " + p);
            }
            return page;
        }

        long plain() throws IOException {
            while (done < total) {
                long t0 = System.nanoTime();
                ByteBuffer page = nextPage();
                long t1 = System.nanoTime();
                crc.update(page.duplicate());
                map.store(page);
                afterPage();
                clock.read += t1 - t0;
                clock.store += System.nanoTime() - t1;
            }
            return 0;
        }

        long compressed() throws IOException {
            UnitPipeline pipeline = pipeline(options, target);
            long before = done;
            pipeline.run(source, total - done, crc, new UnitPipeline.Sink() {
                @Override
                public void store(ByteBuffer page) throws IOException {
                    map.store(page);
                }

                @Override
                public void stored(int streamPages) {
                    afterPages(streamPages);
                }
            }, clock);
            return (total - before + CompressedUnits.UNC_PAGES - 1) / CompressedUnits.UNC_PAGES;
        }
    }
}
