package dev.torpor.image.io.read;

import dev.torpor.image.io.Problem;

import dev.torpor.image.io.ImageFormatException;

import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwsuspHeader;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A hibernation image in a swap area, a swap partition, or a disk image: the library's entry point for
 * reading.
 *
 * <pre>{@code
 * try (HibernationImage image = HibernationImage.open(Path.of("/dev/vdb"), ReadOptions.defaults())) {
 *     System.out.println(image.kind() + " " + image.detection().map(Detection::target));
 *     try (PhysicalPages pages = image.pages()) {
 *         for (PhysicalPage p = pages.next(); p != null; p = pages.next()) {
 *             // p.pfn(), p.data()
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Opening reads only headers and walks the swap-map chain once. A damaged image opens all the same;
 * what is wrong is in {@link #problems()}. Not thread-safe; open one instance per thread.
 */
public final class HibernationImage implements Closeable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HibernationImage.class);
    private final String source;
    private final FileChannel channel;
    private final PageReader reader;
    private final ImageProbe.Probed probe;
    private final List<Problem> problems;
    private final Optional<MapSummary> map;
    private final MapChain chain;
    /** Where {@link #stream()} reads units from: the channel, or a direct window over the source. */
    private PageReader streamReader;
    private DirectWindow window;

    private HibernationImage(String source, FileChannel channel, PageReader reader, ImageProbe.Probed probe,
                             List<Problem> problems, Optional<MapSummary> map, MapChain chain) {
        this.source = source;
        this.channel = channel;
        this.reader = reader;
        this.probe = probe;
        this.problems = problems;
        this.map = map;
        this.chain = chain;
        this.streamReader = reader;
    }

    /**
     * Opens a file or block device with the swap header at its first page and every kernel fact (page size, word
     * size, byte order, architecture) detected from the image: {@code open(path, ReadOptions.defaults())}.
     */
    public static HibernationImage open(Path path) throws IOException {
        return open(path, ReadOptions.defaults());
    }

    /** Opens a file or block device. The size of a block device is taken from the channel when it reports one. */
    public static HibernationImage open(Path path, ReadOptions options) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = Files.isRegularFile(path) ? ch.size() : -1;
            return open(ch, size, path.toString(), options);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens an already open channel (closed with this image).
     *
     * @param size   size of the source in bytes, or -1 if unknown (for example a block device whose size the
     *               caller could not find out)
     * @param source the name used in reports
     */
    public static HibernationImage open(FileChannel channel, long size, String source, ReadOptions options)
            throws IOException {
        PageReader reader = new PageReader(channel, size);
        ImageProbe.Probed probe = ImageProbe.probe(reader, options);
        List<Problem> problems = new ArrayList<>(probe.problems());
        Optional<MapSummary> map = Optional.empty();
        MapChain chain = null;
        if (probe.kind() == ImageKind.TORPOR && probe.torporFirstMap() != 0) {
            chain = new MapChain(reader, probe.pageSize(), 8, probe.torporOrder(), probe.bounds().orElseThrow(),
                    probe.torporFirstMap());
            try {
                map = Optional.of(chain.walk(problems));
            } catch (ImageFormatException e) {
                problems.add(e.toProblem());
            }
        } else if (probe.detection().isPresent()) {
            Detection d = probe.detection().get();
            chain = new MapChain(reader, d.target().pageSize(), d.sectorSize(), d.target().byteOrder(),
                    probe.bounds().orElseThrow(), probe.swsusp().orElseThrow().image());
            try {
                map = Optional.of(chain.walk(problems));
            } catch (ImageFormatException e) {
                problems.add(e.toProblem());
            }
        }
        LOG.debug("{}: {} image; target {}; map {}; {} problem(s)", source, probe.kind().label(),
                probe.detection().map(Detection::target).orElse(null), map.orElse(null), problems.size());
        return new HibernationImage(source, channel, reader, probe, problems, map, chain);
    }

    /** The name of the source as given. */
    public String source() {
        return source;
    }

    /** The page size the swap header was found with (the first one tried when there is none). */
    public int pageSize() {
        return probe.pageSize();
    }

    /** Whether the source holds a kernel image, a foreign one, or none. */
    public ImageKind kind() {
        return probe.kind();
    }

    /** The mkswap header (its magic is the original one when an image replaced it). */
    public Optional<SwapHeader> swapHeader() {
        return probe.swapHeader();
    }

    /** The hibernation fields of the swap header page, for kernel images. */
    public Optional<SwsuspHeader> signatureFields() {
        return probe.swsusp();
    }

    /** Target, layout and compressor, with how each was decided. */
    public Optional<Detection> detection() {
        return probe.detection();
    }

    /** The image header page. */
    public Optional<SnapshotInfo> info() {
        return probe.info();
    }

    /**
     * Torpor's encrypted image kind, when the source holds one: its header, verification and decrypted stream
     * (with the key).
     */
    public Optional<EncryptedImage> encrypted() {
        if (probe.kind() != ImageKind.TORPOR || map.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EncryptedImage(this, chain, map.get().mapPages(), reader, probe.pageSize()));
    }

    /** The swap-map walk. */
    public Optional<MapSummary> map() {
        return map;
    }

    /**
     * The pages this image occupies, when its swap-map chain was walked to its end; empty for no image or a broken
     * chain (then nobody can tell all of the image's pages from the hibernated system's).
     */
    public Optional<ImageSlots> slots() {
        if (map.isEmpty() || !map.get().complete() || chain == null || chain.walked() == null) {
            return Optional.empty();
        }
        return Optional.of(new ImageSlots(chain.walked()));
    }

    /** Receives the pages outside the image that hold data, in ascending order. */
    @FunctionalInterface
    public interface SlotVisitor {
        void slot(long page, java.nio.ByteBuffer data) throws IOException;
    }

    /**
     * Reads every page of the swap area and counts those outside the image that hold data (see {@link SlotsOutside}).
     *
     * @throws IllegalStateException when the source is not a swap area (no swap header)
     */
    public SlotsOutside slotsOutsideImage() throws IOException {
        return slotsOutsideImage((page, data) -> { });
    }

    /** As {@link #slotsOutsideImage()}, handing each such page to {@code visitor}. */
    public SlotsOutside slotsOutsideImage(SlotVisitor visitor) throws IOException {
        SwapHeader h = probe.swapHeader().orElseThrow(() -> new IllegalStateException(source
                + " holds no swap area, so it has no slots"));
        long header = probe.bounds().orElseThrow().headerPage();
        long last = Math.min(probe.bounds().orElseThrow().maxPage(), header + Math.max(0, h.lastPage()));
        if (reader.size() >= 0) {
            last = Math.min(last, reader.size() / probe.pageSize() - 1);
        }
        Optional<ImageSlots> mine = slots();
        boolean known = mine.isPresent() || probe.kind() == ImageKind.NONE;
        int pageSize = probe.pageSize();
        int batch = 256;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(batch * pageSize);
        long count = 0;
        long lo = -1;
        long hi = -1;
        for (long p = header + 1; p <= last; p += batch) {
            int n = (int) Math.min(batch, last - p + 1);
            buf.clear().limit(n * pageSize);
            reader.readFully(p * pageSize, buf);
            for (int i = 0; i < n; i++) {
                long page = p + i;
                if (mine.isPresent() && mine.get().contains(page) || allZero(buf, i * pageSize, pageSize)) {
                    continue;
                }
                count++;
                lo = lo < 0 ? page : lo;
                hi = page;
                visitor.slot(page, buf.duplicate().position(i * pageSize).limit((i + 1) * pageSize).slice());
            }
        }
        return new SlotsOutside(count, lo < 0 ? OptionalLong.empty() : OptionalLong.of(lo),
                hi < 0 ? OptionalLong.empty() : OptionalLong.of(hi), Math.max(0, last - header), known);
    }

    private static boolean allZero(java.nio.ByteBuffer b, int from, int length) {
        for (int i = from; i < from + length; i += 8) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Problems found so far (opening, and every iteration or inspection since). */
    public List<Problem> problems() {
        return List.copyOf(problems);
    }

    /**
     * Streams the saved pages in metadata order: each PFN with its data (or flagged zero). Only one unit of
     * the image is in memory at a time. Fails with {@link ImageFormatException} if the image is not a readable
     * kernel image.
     */
    public PhysicalPages pages() throws IOException {
        requireReadable();
        Detection d = probe.detection().get();
        SnapshotInfo info = probe.info().get();
        long streamPages = info.pages() - 1;
        List<Problem> sink = problems;
        StreamCursor meta = new StreamCursor(afterHeaderPage(), reader, d.compressor(), d.target(),
                Math.min(streamPages, Math.max(info.metaPages(), 0)));
        StreamCursor data = new StreamCursor(afterHeaderPage(), reader, d.compressor(), d.target(), streamPages);
        PfnCursor pfns = new PfnCursor(meta, d.target(), d.encoding(), info.metaPages(), sink);
        return new PhysicalPages(pfns, meta, data, info, d.target(), crcCheck(), sink);
    }

    /** Receives the saved PFNs in the image's order. */
    @FunctionalInterface
    public interface PfnVisitor {
        /** One saved PFN; {@code zero} if the kernel flagged it all zeros (6.6+). */
        void pfn(long pfn, boolean zero) throws IOException;
    }

    /**
     * Visits the saved PFNs in order from the metadata pages alone, reading no data page: how an export plans its
     * layout before it writes. Fails with {@link ImageFormatException} where the metadata is damaged.
     */
    public void visitPfns(PfnVisitor visitor) throws IOException {
        requireReadable();
        Detection d = probe.detection().get();
        SnapshotInfo info = probe.info().get();
        long metaPages = Math.min(info.pages() - 1, Math.max(info.metaPages(), 0));
        StreamCursor meta = new StreamCursor(afterHeaderPage(), reader, d.compressor(), d.target(), metaPages);
        PfnCursor pfns = new PfnCursor(meta, d.target(), d.encoding(), info.metaPages(), new ArrayList<>());
        for (dev.torpor.snapshot.api.PfnMetadata.Entry e = pfns.next(); e != null; e = pfns.next()) {
            visitor.pfn(e.pfn(), e.zero());
        }
    }

    /**
     * The uncompressed snapshot stream (header page, metadata, data): exactly what a resumer writes into
     * {@code /dev/snapshot}. Decoded and checked as it goes; the CRC32 is compared at the end.
     */
    public SnapshotStream stream() throws IOException {
        requireReadable();
        Detection d = probe.detection().get();
        MapChain.Cursor entries = chain.cursor(map.orElseThrow().mapPages());
        long headerSlot = entries.next();
        byte[] header = new byte[d.target().pageSize()];
        reader.readPage(headerSlot, d.target().pageSize(), header, 0);
        StreamCursor cursor = new StreamCursor(entries, streamReader, d.compressor(), d.target(),
                probe.info().get().pages() - 1);
        return new SnapshotStream(java.nio.ByteBuffer.wrap(header), cursor, crcCheck(), problems);
    }

    private PhysicalPages.CrcCheck crcCheck() {
        SwsuspHeader h = probe.swsusp().orElseThrow();
        return h.flags().crc32()
                ? new PhysicalPages.CrcCheck(h.crc32(), probe.bounds().orElseThrow().headerPage() * probe.pageSize()
                        + h.layout().crc32Offset(probe.pageSize(), h.sectorSize()).orElse(0))
                : null;
    }

    /**
     * Checks everything: headers and map always, the whole stream (decompression, CRC32, metadata, pairing)
     * unless {@code quick}. Never throws for a damaged image: the problems are in the result.
     */
    public Inspection inspect(boolean quick) throws IOException {
        return inspect(quick, false);
    }

    /**
     * As {@link #inspect(boolean)}; with {@code slotsOutside}, also reads every page of the swap area and counts the
     * pages outside the image that hold data ({@link #slotsOutsideImage()}), which costs a read of the whole area.
     */
    public Inspection inspect(boolean quick, boolean slotsOutside) throws IOException {
        Optional<StreamScan> scan = Optional.empty();
        if (!quick && readable()) {
            scan = Optional.of(scan());
        }
        Optional<SlotsOutside> outside = Optional.empty();
        if (slotsOutside && probe.swapHeader().isPresent() && probe.bounds().isPresent()) {
            try {
                outside = Optional.of(slotsOutsideImage());
            } catch (ImageFormatException e) {
                problems.add(e.toProblem());
            }
        }
        Optional<String> orig = probe.kind() == ImageKind.KERNEL ? probe.rawOrigSig() : Optional.empty();
        return new Inspection(source, probe.swapHeader(), probe.kind(), probe.rawSignature(), orig, probe.swsusp(),
                probe.detection(), map, probe.info(), scan, firstPerOffset(problems), outside);
    }

    /**
     * The same damage is often seen twice (by the map walk, then by the stream reading the same entry):
     * each offset is reported once, with the first description.
     */
    private static List<Problem> firstPerOffset(List<Problem> all) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        List<Problem> out = new ArrayList<>();
        for (Problem p : all) {
            if (seen.add(p.offset())) {
                out.add(p);
            }
        }
        return out;
    }

    private StreamScan scan() throws IOException {
        long data = 0;
        long zero = 0;
        long min = Long.MAX_VALUE;
        long max = -1;
        boolean complete = false;
        PhysicalPages pages = pages();
        VmcoreInfoFinder vmcoreinfo = new VmcoreInfoFinder(probe.detection().get().target());
        try {
            for (PhysicalPage p = pages.next(); p != null; p = pages.next()) {
                if (p.zero()) {
                    zero++;
                } else {
                    vmcoreinfo.offer(p.pfn(), p.data());
                    data++;
                    min = Math.min(min, p.pfn());
                    max = Math.max(max, p.pfn());
                }
            }
            complete = true;
        } catch (ImageFormatException e) {
            problems.add(e.toProblem());
        }
        return new StreamScan(pages.crc32(), pages.units(), pages.streamPages(), pages.metaPagesRead(), data, zero,
                max < 0 ? OptionalLong.empty() : OptionalLong.of(min), max < 0 ? OptionalLong.empty()
                : OptionalLong.of(max), complete, vmcoreinfo.found());
    }

    private boolean readable() {
        return probe.kind() == ImageKind.KERNEL && probe.detection().isPresent() && probe.info().isPresent()
                && map.isPresent() && probe.info().get().pages() >= 1;
    }

    /**
     * Refuses a source that holds no readable kernel image (another kind, or headers that could not be read), with
     * the reason: what {@link #pages()}, {@link #stream()} and {@link #visitPfns} do first.
     */
    public void requireReadable() throws ImageFormatException {
        if (!readable()) {
            String why = probe.kind() != ImageKind.KERNEL ? "the source holds no kernel hibernation image"
                    : "the image's headers could not be read";
            throw new ImageFormatException(0, why + " (" + problems.size() + " problem(s) found)");
        }
    }

    /** A stream cursor over the whole stream after the header page (for benchmarks of the decoder). */
    /**
     * The stream's compressed units as stored, in order and at most {@code maxUnits} of them (each without its
     * length header): for measuring a codec on real data, or for analysis. The image must be a compressed one.
     */
    public java.util.List<byte[]> compressedUnits(int maxUnits) throws IOException {
        if (maxUnits < 0) {
            throw new IllegalArgumentException("maxUnits must not be negative: " + maxUnits);
        }
        StreamCursor cursor = rawStreamCursor();
        if (probe.detection().get().compressor() == dev.torpor.image.io.codec.Compressor.NONE) {
            throw new IllegalStateException("the image is not compressed: it has no units");
        }
        java.util.List<byte[]> units = new java.util.ArrayList<>();
        while (units.size() < maxUnits) {
            byte[] u = cursor.nextRawUnit();
            if (u == null) {
                break;
            }
            units.add(u);
        }
        return units;
    }

    StreamCursor rawStreamCursor() throws IOException {
        requireReadable();
        Detection d = probe.detection().get();
        return new StreamCursor(afterHeaderPage(), reader, d.compressor(), d.target(), probe.info().get().pages() - 1);
    }

    /** A map cursor positioned after entry 0 (the image header page, which is never compressed). */
    private MapChain.Cursor afterHeaderPage() throws IOException {
        MapChain.Cursor c = chain.cursor(map.orElseThrow().mapPages());
        c.next();
        return c;
    }

    /**
     * From now on {@link #stream()} reads the units through {@code direct}, a second descriptor of this image's source
     * opened with {@code O_DIRECT} ({@code com.sun.nio.file.ExtendedOpenOption.DIRECT}), half a megabyte at a time: no
     * page cache and no copy by the kernel, as the kernel's own resume reads. The headers and the map stay on the
     * first descriptor. The image owns {@code direct} and closes it. Returns false, with {@code direct} closed and
     * nothing changed, where the image has no readable stream or the descriptor cannot read (some file systems take
     * the flag and refuse the read).
     */
    public boolean readStreamDirectly(FileChannel direct) {
        if (window != null || probe.detection().isEmpty()) {
            try {
                direct.close();
            } catch (IOException e) {
                // read-only: nothing to lose
            }
            return window != null;
        }
        Optional<DirectWindow> w = DirectWindow.open(direct, reader.size(),
                probe.detection().get().target().pageSize());
        if (w.isEmpty()) {
            return false;
        }
        window = w.get();
        streamReader = reader.through(window);
        return true;
    }

    @Override
    public void close() throws IOException {
        try {
            if (window != null) {
                window.close();
            }
        } finally {
            channel.close();
        }
    }
}
