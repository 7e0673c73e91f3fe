package dev.torpor.image.io.read;

import dev.torpor.image.io.Problem;

import dev.torpor.image.io.ImageFormatException;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.KernelVersion;
import dev.torpor.snapshot.api.PfnMetadata;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.X86RestoreRecord;
import dev.torpor.swap.format.CompressedUnits;
import dev.torpor.swap.format.HeaderLayout;
import dev.torpor.swap.format.ImageFlags;
import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwapMapPage;
import dev.torpor.swap.format.SwapSignature;
import dev.torpor.swap.format.SwsuspHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds out what a source holds, reading only headers: the signature page (trying every page size),
 * the byte order, the header era and width of {@code sector_t}, the image header page (word size,
 * architecture) and the compressor. Every decision is recorded with the evidence for it.
 */
final class ImageProbe {
    private static final int[] PAGE_SIZES = SwapHeader.pageSizes();

    private final PageReader reader;
    private final ReadOptions options;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, String> how = new LinkedHashMap<>();

    // what the probe finds as it goes; the result is the immutable Probed
    private int pageSize = 4096;
    private ByteBuffer headerPage;
    private Optional<SwapSignature> signature = Optional.empty();
    private Optional<String> rawSignature = Optional.empty();
    private Optional<String> rawOrigSig = Optional.empty();
    private Optional<SwapHeader> swapHeader = Optional.empty();
    private ImageKind kind = ImageKind.NONE;
    private Optional<SwsuspHeader> swsusp = Optional.empty();
    private Optional<Detection> detection = Optional.empty();
    private Optional<SnapshotInfo> info = Optional.empty();
    private AreaBounds bounds;
    private long torporFirstMap;
    private KernelByteOrder torporOrder = KernelByteOrder.LITTLE;

    /**
     * What a probe found.
     *
     * @param kind           what the source holds
     * @param pageSize       the page size the signature was found at (4096 when none was)
     * @param swapHeader     the swap header, where there is one
     * @param rawSignature   the signature as it reads, where there is one
     * @param rawOrigSig     the saved original signature as it reads (kernel images)
     * @param swsusp         the kernel's signature fields (kernel images)
     * @param detection      page size, word size, byte order, era, architecture and compressor, with the evidence
     * @param info           the image header page (kernel images whose header page is readable)
     * @param bounds         the usable pages of the area, where a signature was found
     * @param torporFirstMap for Torpor's encrypted kind: the first map page (0 if unusable)
     * @param torporOrder    for Torpor's encrypted kind: the byte order of its map
     * @param problems       what was wrong, each with its byte offset
     */
    record Probed(ImageKind kind, int pageSize, Optional<SwapHeader> swapHeader, Optional<String> rawSignature,
                  Optional<String> rawOrigSig, Optional<SwsuspHeader> swsusp, Optional<Detection> detection,
                  Optional<SnapshotInfo> info, Optional<AreaBounds> bounds, long torporFirstMap,
                  KernelByteOrder torporOrder, List<Problem> problems) {
        Probed {
            problems = List.copyOf(problems);
        }
    }

    private ImageProbe(PageReader reader, ReadOptions options) {
        this.reader = reader;
        this.options = options;
    }

    /**
     * Probes the source behind {@code reader}. Damage in what it reads is a problem of the result, not an exception;
     * only I/O errors are thrown.
     */
    static Probed probe(PageReader reader, ReadOptions options) throws IOException {
        ImageProbe p = new ImageProbe(reader, options);
        try {
            p.run();
        } catch (ImageFormatException e) {
            p.problems.add(e.toProblem());
        }
        return new Probed(p.kind, p.pageSize, p.swapHeader, p.rawSignature, p.rawOrigSig, p.swsusp, p.detection,
                p.info, Optional.ofNullable(p.bounds), p.torporFirstMap, p.torporOrder, p.problems);
    }

    private ImageProbe run() throws IOException {
        if (!findSignaturePage()) {
            return this;
        }
        KernelByteOrder order = decideByteOrder();
        readSwapHeader(order);
        if (kind == ImageKind.TORPOR) {
            bounds = areaBounds();
            torporOrder = order == null ? KernelByteOrder.LITTLE : order;
            torporFirstMap = SwsuspHeader.readImage(headerPage.duplicate().order(torporOrder.nio()),
                    HeaderLayout.V5_17.imageOffset(pageSize, 8), 8);
            if (!bounds.usable(torporFirstMap)) {
                problems.add(Problem.error(options.resumeOffset() * pageSize + HeaderLayout.V5_17.imageOffset(pageSize, 8),
                        "the image field " + bounds.whyNot(torporFirstMap)));
                torporFirstMap = 0;
            }
            return this;
        }
        if (kind != ImageKind.KERNEL) {
            if (swapHeader.isPresent()) {
                bounds = areaBounds(); // a plain swap area: its slots can still be counted
            }
            return this;
        }
        bounds = areaBounds();
        decideLayoutAndTarget(order);
        return this;
    }

    // ---- signature page -------------------------------------------------------------------------------------

    private boolean findSignaturePage() throws IOException {
        int[] sizes = options.pageSize().isPresent() ? new int[] {options.pageSize().getAsInt()} : PAGE_SIZES;
        for (int p : sizes) {
            long off = options.resumeOffset() * p;
            if (reader.size() >= 0 && off + p > reader.size()) {
                continue;
            }
            ByteBuffer page = ByteBuffer.allocate(p);
            reader.readFully(off, page);
            Optional<SwapSignature> sig = SwapSignature.at(page, p - SwapSignature.LENGTH);
            boolean tuxOnIce = SwapSignature.at(page, 0).filter(x -> x == SwapSignature.TUXONICE).isPresent();
            if (tuxOnIce && (sig.isEmpty() || sig.get().kind() == SwapSignature.Kind.SWAP)) {
                // TuxOnIce puts its binary magic at the start of the area
                pageSize = sig.isPresent() ? p : sizes[0];
                headerPage = page.clear();
                signature = Optional.of(SwapSignature.TUXONICE);
                rawSignature = Optional.of(SwapSignature.TUXONICE.label());
                how.put("pageSize", "TuxOnIce magic at byte " + off);
                kind = ImageKind.FOREIGN;
                return true;
            }
            if (sig.isPresent()) {
                pageSize = p;
                headerPage = page.clear();
                signature = sig;
                rawSignature = Optional.of(sig.get().label());
                how.put("pageSize", options.pageSize().isPresent() ? "given by option"
                        : "signature " + sig.get().label() + " found at byte " + (off + p - SwapSignature.LENGTH)
                        + " (end of a " + p + "-byte page)");
                kind = kindOf(sig.get());
                return true;
            }
        }
        long probeAt = options.resumeOffset() * sizes[0];
        if (reader.size() >= 0 && probeAt + sizes[0] > reader.size()) {
            problems.add(Problem.warning(probeAt, "the source has " + reader.size()
                    + " bytes, less than one page at the swap header position"));
        } else {
            problems.add(Problem.warning(probeAt + sizes[0] - SwapSignature.LENGTH,
                    "no swap or hibernation signature at the end of the first page (page sizes tried: "
                            + java.util.Arrays.toString(sizes) + ")"));
        }
        return false;
    }

    private static ImageKind kindOf(SwapSignature s) {
        switch (s.kind()) {
            case KERNEL_IMAGE: return ImageKind.KERNEL;
            case FOREIGN_IMAGE: return ImageKind.FOREIGN;
            case TORPOR_IMAGE: return ImageKind.TORPOR;
            default: return ImageKind.NONE;
        }
    }

    private KernelByteOrder decideByteOrder() {
        if (options.byteOrder().isPresent()) {
            how.put("byteOrder", "given by option");
            return options.byteOrder().get();
        }
        Optional<KernelByteOrder> fromVersion = SwapHeader.byteOrderOfVersion(headerPage);
        if (fromVersion.isPresent()) {
            how.put("byteOrder", "swap header version field reads 1 in " + fromVersion.get().label()
                    + "-endian order");
            return fromVersion.get();
        }
        return null;
    }

    private void readSwapHeader(KernelByteOrder order) {
        SwapSignature magic = signature.get();
        if (kind == ImageKind.KERNEL || kind == ImageKind.TORPOR) {
            int origOff = HeaderLayout.origSigAt(pageSize);
            rawOrigSig = Optional.of(SwapSignature.printable(headerPage, origOff));
            Optional<SwapSignature> orig = SwapSignature.at(headerPage, origOff);
            if (orig.isPresent() && orig.get().kind() == SwapSignature.Kind.SWAP) {
                magic = orig.get();
            } else {
                problems.add(Problem.error(options.resumeOffset() * pageSize + origOff, "orig_sig '"
                        + rawOrigSig.get() + "' is not a swap signature; the kernel restores it on resume"));
                magic = SwapSignature.SWAPSPACE2;
            }
        } else if (kind == ImageKind.FOREIGN) {
            return;
        }
        swapHeader = Optional.of(SwapHeader.parse(headerPage, pageSize, order == null ? KernelByteOrder.LITTLE : order,
                magic));
        if (kind == ImageKind.NONE) {
            return;
        }
        SwapHeader h = swapHeader.get();
        if (h.badPages() > SwapHeader.maxBadPages(pageSize)) {
            problems.add(Problem.warning(options.resumeOffset() * pageSize + SwapHeader.NR_BADPAGES_OFFSET,
                    "swap header lists " + h.badPages() + " bad pages; at most " + SwapHeader.maxBadPages(pageSize)
                            + " fit in the header page"));
        }
    }

    private AreaBounds areaBounds() {
        long header = options.resumeOffset();
        long maxPage = reader.size() >= 0 ? reader.size() / pageSize - 1 : Long.MAX_VALUE / pageSize;
        SwapHeader h = swapHeader.orElseThrow();
        if (header == 0 && h.version() == 1 && h.lastPage() > 0) {
            if (h.lastPage() > maxPage) {
                problems.add(Problem.warning(SwapHeader.LAST_PAGE_OFFSET, "the swap header's last page "
                        + h.lastPage() + " lies beyond the end of the source (" + (maxPage + 1)
                        + " pages): a truncated copy?"));
            } else {
                maxPage = h.lastPage();
            }
        }
        return new AreaBounds(header, maxPage, pageSize);
    }

    // ---- layout, word size, arch --------------------------------------------------------------------------

    private record Candidate(HeaderLayout family, int sectorSize, KernelByteOrder order, long image, int wordSize,
                             ByteBuffer infoPage, long infoSlot) {
    }

    private void decideLayoutAndTarget(KernelByteOrder knownOrder) throws IOException {
        List<KernelByteOrder> orders = knownOrder != null ? List.of(knownOrder)
                : List.of(KernelByteOrder.LITTLE, KernelByteOrder.BIG);
        Candidate chosen = null;
        Candidate fallback = null;
        outer:
        for (KernelByteOrder order : orders) {
            for (HeaderLayout family : new HeaderLayout[] {HeaderLayout.V5_17, HeaderLayout.V2_6_19}) {
                for (int s : new int[] {8, 4}) {
                    ByteBuffer b = headerPage.duplicate().order(order.nio());
                    long image = SwsuspHeader.readImage(b, family.imageOffset(pageSize, s), s);
                    if (!bounds.usable(image)) {
                        continue;
                    }
                    Candidate c = tryCandidate(family, s, order, image);
                    if (c.infoPage != null && c.wordSize > 0) {
                        chosen = c;
                        break outer;
                    }
                    if (fallback == null) {
                        fallback = c;
                    }
                }
            }
        }
        if (chosen == null && fallback == null) {
            KernelByteOrder order = orders.get(0);
            int at = HeaderLayout.V5_17.imageOffset(pageSize, 8);
            long image = SwsuspHeader.readImage(headerPage.duplicate().order(order.nio()), at, 8);
            problems.add(Problem.error(options.resumeOffset() * pageSize + at, "the image field (first swap-map page) "
                    + bounds.whyNot(image) + " in every header layout"));
            swsusp = Optional.of(SwsuspHeader.parse(headerPage, pageSize, HeaderLayout.V5_17, 8, order));
            return;
        }
        Candidate c = chosen != null ? chosen : fallback;
        if (knownOrder == null) {
            how.put("byteOrder", chosen != null ? "header page fields consistent in " + c.order.label()
                    + "-endian order" : "assumed little-endian (no evidence)");
            swapHeader = Optional.of(SwapHeader.parse(headerPage, pageSize, c.order, swapHeader.get().magic()));
        }
        how.put("sectorSize", "image field at byte " + c.family.imageOffset(pageSize, c.sectorSize)
                + " of the swap header page points at a swap-map page when read as " + c.sectorSize + " bytes");
        int wordSize = c.wordSize > 0 ? c.wordSize : options.wordSize().orElse(8);
        if (c.wordSize <= 0) {
            how.put("wordSize", "assumed 8 bytes (header page not readable or not consistent)");
        }
        String arch = options.arch().orElse("unknown");
        TargetProfile target = new TargetProfile(pageSize, wordSize, c.order, arch);
        if (c.infoPage != null) {
            SnapshotInfo parsed = SnapshotInfo.parse(c.infoPage, target);
            if (options.arch().isPresent()) {
                how.put("arch", "given by option");
            } else {
                arch = parsed.arch();
                how.put("arch", archEvidence(parsed));
                target = target.withArch(arch);
                parsed = SnapshotInfo.parse(c.infoPage, target);
            }
            info = Optional.of(parsed);
            checkInfo(parsed, c.infoSlot * pageSize, target);
        } else {
            how.put("arch", options.arch().isPresent() ? "given by option" : "unknown (header page not readable)");
        }
        HeaderLayout layout = refineLayout(c, target);
        SwsuspHeader fields = SwsuspHeader.parse(headerPage, pageSize, layout, c.sectorSize, c.order);
        swsusp = Optional.of(fields);
        Compressor compressor = decideCompressor(fields, target, c);
        PfnMetadata.Encoding encoding = layout == HeaderLayout.V2_6_17 ? PfnMetadata.Encoding.VIRTUAL_ADDRESS
                : PfnMetadata.Encoding.PFN;
        checkCrcExpected(fields, compressor);
        if (fields.flags().unknownBits() != 0) {
            problems.add(Problem.warning(options.resumeOffset() * pageSize + layout.flagsOffset(pageSize).orElse(0),
                    String.format("flags 0x%x has bits Torpor does not know: 0x%x", fields.flags().value(),
                            fields.flags().unknownBits())));
        }
        detection = Optional.of(new Detection(target, c.sectorSize, Optional.of(layout), compressor, encoding,
                Map.copyOf(how)));
    }

    private Candidate tryCandidate(HeaderLayout family, int s, KernelByteOrder order, long image) throws IOException {
        ByteBuffer map = ByteBuffer.allocate(pageSize);
        try {
            reader.readFully(image * pageSize, map);
        } catch (ImageFormatException e) {
            return new Candidate(family, s, order, image, 0, null, 0);
        }
        SwapMapPage mapPage = SwapMapPage.of(map, pageSize, s, order);
        long first = mapPage.entry(0);
        if (!bounds.usable(first) || !packed(mapPage)) {
            return new Candidate(family, s, order, image, 0, null, 0);
        }
        ByteBuffer infoPage = ByteBuffer.allocate(pageSize);
        try {
            reader.readFully(first * pageSize, infoPage);
        } catch (ImageFormatException e) {
            return new Candidate(family, s, order, image, 0, null, 0);
        }
        int w = detectWordSize(infoPage, order);
        return new Candidate(family, s, order, image, w, infoPage, first);
    }

    /**
     * Whether the map page looks as the kernel writes it: non-zero entries, then only zeros. Reading 8-byte
     * entries as 4-byte ones (or the reverse) breaks this pattern, which tells the width of {@code sector_t}.
     */
    private static boolean packed(SwapMapPage map) {
        boolean ended = false;
        for (int i = 0; i < map.entryCount(); i++) {
            boolean zero = map.entry(i) == 0;
            if (ended && !zero) {
                return false;
            }
            ended |= zero;
        }
        return true;
    }

    private int detectWordSize(ByteBuffer infoPage, KernelByteOrder order) {
        if (options.wordSize().isPresent()) {
            how.put("wordSize", "given by option");
            return options.wordSize().getAsInt();
        }
        for (int w : new int[] {8, 4}) {
            TargetProfile t = new TargetProfile(pageSize, w, order, "unknown");
            Optional<X86RestoreRecord> x86 = X86RestoreRecord.find(infoPage, t);
            if (x86.isPresent() && SnapshotInfo.plausible(infoPage, t)) {
                how.put("wordSize", String.format("x86 restore magic 0x%x at byte %d of the header page (%d-byte words)",
                        x86.get().magic(), x86.get().variant().magicOffset(), w));
                return w;
            }
        }
        for (int w : new int[] {8, 4}) {
            if (SnapshotInfo.plausible(infoPage, new TargetProfile(pageSize, w, order, "unknown"))) {
                how.put("wordSize", "header page fields consistent with " + w
                        + "-byte unsigned long (size = pages x page size, image_pages < pages)");
                return w;
            }
        }
        return 0;
    }

    private static String archEvidence(SnapshotInfo info) {
        if (info.archRecord() instanceof X86RestoreRecord) {
            X86RestoreRecord x = (X86RestoreRecord) info.archRecord();
            return String.format("x86 restore magic 0x%x in the header page", x.magic());
        }
        if (!(info.archRecord() instanceof dev.torpor.snapshot.api.ArchRecord.None)) {
            return info.archRecord().type() + " recognised in the header page";
        }
        return info.uts().map(u -> "utsname machine '" + u.machine() + "' in the header page")
                .orElse("unknown (no utsname and no known architecture record)");
    }

    private void checkInfo(SnapshotInfo s, long infoOffset, TargetProfile t) {
        SnapshotInfo.Layout l = SnapshotInfo.Layout.forWordSize(t.wordSize());
        if (s.pages() < 1 || Long.compareUnsigned(s.imagePages(), s.pages()) >= 0) {
            problems.add(Problem.error(infoOffset + l.pages(), "header page: pages " + Long.toUnsignedString(s.pages())
                    + " and image_pages " + Long.toUnsignedString(s.imagePages())
                    + " do not satisfy pages = image_pages + meta_pages + 1"));
            return;
        }
        long expectedSize = s.pages() * t.pageSize();
        if (t.wordSize() == 4) {
            expectedSize &= 0xFFFF_FFFFL;
        }
        if (s.size() != expectedSize) {
            problems.add(Problem.error(infoOffset + l.size(), "header page: size " + Long.toUnsignedString(s.size())
                    + " is not pages x page size (" + expectedSize + ")"));
        }
        long meta = s.metaPages();
        long minMeta = PfnMetadata.pagesFor(s.imagePages(), t);
        if (meta < minMeta) {
            problems.add(Problem.error(infoOffset + l.pages(), "header page: " + meta + " metadata pages cannot list "
                    + s.imagePages() + " data pages (at least " + minMeta + " needed)"));
        }
    }

    private HeaderLayout refineLayout(Candidate c, TargetProfile target) throws IOException {
        Optional<Long> version = headerVersion();
        if (c.family == HeaderLayout.V2_6_19) {
            if (version.isPresent()) {
                HeaderLayout l = version.get() < KernelVersion.code(2, 6, 19) ? HeaderLayout.V2_6_17
                        : HeaderLayout.V2_6_19;
                how.put("headerLayout", "image field without flags; kernel " + KernelVersion.format(version.get())
                        + " in the header page");
                return l;
            }
            if (firstMetadataEntryIsVirtualAddress(c, target)) {
                how.put("headerLayout", "image field without flags; metadata holds kernel virtual addresses");
                return HeaderLayout.V2_6_17;
            }
            how.put("headerLayout", "image field without flags; metadata holds PFNs");
            return HeaderLayout.V2_6_19;
        }
        ByteBuffer b = headerPage.duplicate().order(c.order.nio());
        long flags = Integer.toUnsignedLong(b.getInt(pageSize - 24));
        long crc = Integer.toUnsignedLong(b.getInt(HeaderLayout.V3_2.crc32Offset(pageSize, c.sectorSize).getAsInt()));
        long hw = Integer.toUnsignedLong(b.getInt(HeaderLayout.V5_17.hwSigOffset(pageSize, c.sectorSize).getAsInt()));
        if (version.isPresent()) {
            long v = version.get();
            how.put("headerLayout", "kernel " + KernelVersion.format(v) + " in the header page");
            if (v >= KernelVersion.code(5, 17, 0)) {
                return HeaderLayout.V5_17;
            }
            return v >= KernelVersion.code(3, 2, 0) ? HeaderLayout.V3_2 : HeaderLayout.V2_6_23;
        }
        if (hw != 0 || (flags & ImageFlags.HW_SIG) != 0) {
            how.put("headerLayout", "hw_sig field or HW_SIG flag set");
            return HeaderLayout.V5_17;
        }
        X86RestoreRecord.Variant x86 = x86Variant();
        boolean olderX86 = x86 == X86RestoreRecord.Variant.X86_64_MD5 || x86 == X86RestoreRecord.Variant.X86_64_LEGACY
                || x86 == X86RestoreRecord.Variant.I386_MD5;
        if ((flags & (4 | 2)) != 0 || crc != 0) {
            if (olderX86) {
                how.put("headerLayout", "flags/crc32 in use and an x86 restore record of a kernel before 5.13");
                return HeaderLayout.V3_2;
            }
            how.put("headerLayout", "flags/crc32 in use, hw_sig zero: the newest compatible layout is assumed"
                    + " (3.2-5.16 places every field the same)");
            return HeaderLayout.V5_17;
        }
        how.put("headerLayout", "flags field present, no crc32 or hw_sig in use");
        return HeaderLayout.V2_6_23;
    }

    /** The kernel version in the header page, where it has one (generic layout). */
    private Optional<Long> headerVersion() {
        return info.filter(i -> i.uts().isPresent() && i.versionCode() != 0).map(SnapshotInfo::versionCode);
    }

    /** The x86 restore record's variant, or null. */
    private X86RestoreRecord.Variant x86Variant() {
        return info.map(SnapshotInfo::archRecord).filter(X86RestoreRecord.class::isInstance)
                .map(r -> ((X86RestoreRecord) r).variant()).orElse(null);
    }

    private boolean firstMetadataEntryIsVirtualAddress(Candidate c, TargetProfile t) throws IOException {
        ByteBuffer map = ByteBuffer.allocate(pageSize);
        reader.readFully(c.image * pageSize, map);
        long entry1 = SwapMapPage.of(map, pageSize, c.sectorSize, c.order).entry(1);
        if (!bounds.usable(entry1)) {
            return false;
        }
        ByteBuffer meta = ByteBuffer.allocate(pageSize);
        reader.readFully(entry1 * pageSize, meta);
        long first = t.readWord(meta, 0);
        return t.wordSize() == 8 ? Long.compareUnsigned(first, 0xffff800000000000L) >= 0 && first != -1L
                : first >= 0xC0000000L && first != 0xFFFFFFFFL;
    }

    /**
     * Every kernel since 3.2 sets the CRC32 flag on compressed images. When the header page shows a newer
     * kernel (its version, or an x86 restore record of 4.7 or later) a compressed image without it has lost
     * its flag.
     */
    private void checkCrcExpected(SwsuspHeader h, Compressor compressor) {
        if (h.flags().nocompress() && (h.flags().crc32() || h.flags().lz4())) {
            problems.add(Problem.error(options.resumeOffset() * pageSize + h.layout().flagsOffset(pageSize).orElse(0),
                    String.format("flags 0x%x combine NOCOMPRESS with %s, which no kernel writes",
                            h.flags().value(), h.flags().crc32() ? "CRC32" : "LZ4")));
            return;
        }
        if (compressor == Compressor.NONE || h.flags().crc32()) {
            return;
        }
        Optional<Long> version = headerVersion();
        X86RestoreRecord.Variant x86 = x86Variant();
        boolean newer = version.map(v -> v >= KernelVersion.code(3, 2, 0)).orElse(false)
                || (x86 != null && x86 != X86RestoreRecord.Variant.X86_64_LEGACY);
        if (newer) {
            problems.add(Problem.error(options.resumeOffset() * pageSize + h.layout().flagsOffset(pageSize).orElse(0),
                    String.format("flags 0x%x: a compressed image without the CRC32 flag, but the header page shows "
                            + "a kernel that always sets it (3.2 or later)", h.flags().value())));
        }
    }

    private Compressor decideCompressor(SwsuspHeader h, TargetProfile t, Candidate c) throws IOException {
        HeaderLayout l = h.layout();
        if (l == HeaderLayout.V2_6_17 || l == HeaderLayout.V2_6_19) {
            how.put("compressor", "none: kernels of this era did not compress");
            return Compressor.NONE;
        }
        if (h.flags().nocompress()) {
            how.put("compressor", "none: NOCOMPRESS flag");
            return Compressor.NONE;
        }
        if (h.flags().lz4()) {
            how.put("compressor", "lz4: LZ4 flag");
            return Compressor.LZ4;
        }
        if (h.flags().crc32()) {
            how.put("compressor", "lzo: CRC32 flag without NOCOMPRESS or LZ4");
            return Compressor.LZO;
        }
        Optional<Long> version = headerVersion();
        if (version.isPresent()) {
            boolean lzo = version.get() >= KernelVersion.code(2, 6, 37);
            how.put("compressor", (lzo ? "lzo" : "none") + ": kernel " + KernelVersion.format(version.get())
                    + " without NOCOMPRESS flag");
            return lzo ? Compressor.LZO : Compressor.NONE;
        }
        ByteBuffer map = ByteBuffer.allocate(pageSize);
        reader.readFully(c.image * pageSize, map);
        long entry1 = SwapMapPage.of(map, pageSize, c.sectorSize, c.order).entry(1);
        if (bounds.usable(entry1)) {
            ByteBuffer first = ByteBuffer.allocate(pageSize);
            reader.readFully(entry1 * pageSize, first);
            long len = t.readWord(first, 0);
            if (len > 0 && Long.compareUnsigned(len, CompressedUnits.worstCompressed(
                    CompressedUnits.uncompressedSize(pageSize))) <= 0) {
                how.put("compressor", "lzo: no flags, and the first stored page starts with a plausible unit length");
                return Compressor.LZO;
            }
        }
        how.put("compressor", "none: no flags, and the first stored page does not start with a unit length");
        return Compressor.NONE;
    }
}
