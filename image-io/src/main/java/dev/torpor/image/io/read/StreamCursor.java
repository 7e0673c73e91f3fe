package dev.torpor.image.io.read;

import dev.torpor.image.io.Problem;

import dev.torpor.image.io.ImageFormatException;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.codec.Crc32Le;
import dev.torpor.image.io.codec.UnitCodecs;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.swap.format.CompressedUnits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Reads the snapshot stream after the header page (stream pages 1 … pages−1) from the map entries:
 * page by page for uncompressed images, unit by unit for compressed ones, with the kernel's CRC32 over
 * the uncompressed bytes. Memory: one compressed unit and one uncompressed unit. Where a platform installed a direct
 * decoder ({@link UnitCodecs#directDecoder}), both units lie in direct buffers and each unit is decoded and
 * checksummed in one native call, and its pages go on to {@code /dev/snapshot} from where they lie; read through a
 * direct window (a resume), up to {@value #BATCH_UNITS} units are decoded where they lie in the window, in one call,
 * so that no Java code runs per unit.
 */
final class StreamCursor {
    private static final int PLAIN_BATCH = CompressedUnits.UNC_PAGES;
    /** Units decoded in one native call when reading through a direct window. */
    static final int BATCH_UNITS = 16;

    private final MapChain.Cursor entries;
    private final PageReader reader;
    private final Compressor compressor;
    private final Compressor.UnitDecoder decoder;
    /** The native decoder with the CRC32, or null: then {@link #in} and {@link #out} are used instead of the buffers. */
    private final Compressor.DirectUnitDecoder direct;
    private final ByteBuffer inDirect;
    private final ByteBuffer outDirect;
    /** The direct window units are decoded in, in batches, or null (then one unit at a time). */
    private final DirectWindow window;
    private final int[] batchOffsets;
    private final int[] batchLengths;
    private final long[] batchCompressed;
    private final long[] batchFirst;
    /** Stream pages of the batch before each of its units, for {@link #pageOffset()}. */
    private final int[] batchStart;
    private int batchUnits;
    /** Swap-map entries read ahead for the batches' walk, and what the walk reports back. */
    private final EntriesAhead ahead = new EntriesAhead();
    private final int[] walk = new int[4];
    private final TargetProfile target;
    private final int pageSize;
    private final long streamPages;
    private final Crc32Le crc = new Crc32Le();
    private final long[] slots;
    private final byte[] in;
    private final byte[] out;
    private final long maxCompressed;
    private int outPages;
    private int outNext;
    private long produced;
    private long units;
    private long unitOffset;
    private long pageOffset;
    /** Nanoseconds reading the area, decoding units, and computing the CRC32, clocked per unit. */
    long readNanos;
    long decodeNanos;
    long crcNanos;
    /** Of {@link #readNanos}, reading the swap map's entries ahead (batches only). */
    long mapNanos;
    /** The last unit read: its bytes as stored (length field included) and decoded (0 before the first). */
    long lastUnitStored;
    long lastUnitBytes;

    /**
     * @param streamPages pages after the header page that the stream should hold ({@code pages − 1})
     */
    StreamCursor(MapChain.Cursor entries, PageReader reader, Compressor compressor, TargetProfile target,
                 long streamPages) {
        this.entries = entries;
        this.reader = reader;
        this.compressor = compressor;
        this.target = target;
        this.pageSize = target.pageSize();
        this.streamPages = streamPages;
        this.out = new byte[CompressedUnits.uncompressedSize(pageSize)];
        this.direct = compressor == Compressor.NONE ? null : UnitCodecs.directDecoder(compressor).orElse(null);
        if (compressor == Compressor.NONE) {
            this.decoder = null;
            this.slots = new long[PLAIN_BATCH];
            this.in = null;
            this.inDirect = null;
        } else {
            this.decoder = UnitCodecs.decoder(compressor);
            int maxPages = CompressedUnits.maxUnitPages(pageSize, target.wordSize());
            this.slots = new long[maxPages];
            this.in = direct == null ? new byte[maxPages * pageSize] : null;
            this.inDirect = direct == null ? null : ByteBuffer.allocateDirect(maxPages * pageSize);
        }
        this.window = direct == null ? null : reader.window();
        int batch = window == null ? 1 : BATCH_UNITS;
        this.outDirect = direct == null ? null : ByteBuffer.allocateDirect(batch * out.length);
        this.batchOffsets = new int[batch];
        this.batchLengths = new int[batch];
        this.batchCompressed = new long[batch];
        this.batchFirst = new long[batch];
        this.batchStart = new int[batch];
        this.maxCompressed = CompressedUnits.worstCompressed(out.length);
    }

    /**
     * The next stream page (a view valid until the next call), or {@code null} once {@code streamPages}
     * pages were produced.
     */
    ByteBuffer next() throws IOException {
        if (produced >= streamPages) {
            return null;
        }
        refill();
        ByteBuffer page = direct != null
                ? outDirect.slice(outNext * pageSize, pageSize)
                : ByteBuffer.wrap(out, outNext * pageSize, pageSize).slice();
        outNext++;
        produced++;
        return page;
    }

    /**
     * Hands up to {@code max} next stream pages to {@code sink} as they lie in the decoded unit (never more than the
     * rest of one unit); returns how many, 0 once {@code streamPages} pages were produced.
     */
    int nextRun(int max, PageRuns.Sink sink) throws IOException {
        if (produced >= streamPages || max < 1) {
            return 0;
        }
        refill();
        int n = (int) Math.min(Math.min(max, outPages - outNext), streamPages - produced);
        sink.accept(direct != null ? outDirect : ByteBuffer.wrap(out), outNext * pageSize, n);
        outNext += n;
        produced += n;
        return n;
    }

    /**
     * Reads the next batch or unit once the decoded pages are used up, and notes where the next page lies on the
     * device (for {@link #pageOffset()}).
     */
    private void refill() throws IOException {
        if (outNext == outPages) {
            if (compressor == Compressor.NONE) {
                readPlainBatch();
            } else if (window != null) {
                readBatch();
            } else {
                readUnit();
            }
        }
        if (compressor == Compressor.NONE) {
            pageOffset = slots[outNext] * pageSize;
        } else if (window != null) {
            int k = batchUnits - 1;
            while (k > 0 && batchStart[k] > outNext) {
                k--;
            }
            pageOffset = batchFirst[k] * pageSize;
        } else {
            pageOffset = unitOffset;
        }
    }

    /** Of the reading, the nanoseconds spent waiting for the disk, where the reader can tell (direct reads). */
    long readWaitNanos() {
        return reader.waitNanos();
    }

    /** Skips {@code n} pages (they are still read and checksummed). */
    void skip(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            if (next() == null) {
                return;
            }
        }
    }

    /**
     * Device byte offset of the page last returned by {@link #next()}: the page itself for uncompressed
     * images, the first page of its compressed unit otherwise.
     */
    long pageOffset() {
        return pageOffset;
    }

    /** Whether stream pages are stored one per device page (so offsets inside a page are exact). */
    boolean plain() {
        return compressor == Compressor.NONE;
    }

    long produced() {
        return produced;
    }

    long units() {
        return units;
    }

    /** {@code crc32_le(0, …)} of everything decoded so far. */
    long crc32() {
        return crc.value();
    }

    /** Reports pages or map entries that are stored beyond the end of the stream. */
    void finish(List<Problem> problems) throws IOException {
        int extra = outPages - outNext;
        if (produced >= streamPages && extra > 0) {
            problems.add(Problem.warning(entries.lastEntryOffset(), "the last compressed unit holds " + extra
                    + " page(s) beyond the end of the stream"));
        }
        if (ahead.deferred() != null) {
            throw ahead.deferred(); // read ahead of the stream's end, as remaining() would have met it
        }
        long left = ahead.unused() + entries.remaining();
        if (left > 0) {
            problems.add(Problem.warning(entries.lastEntryOffset(), left
                    + " stored page(s) follow the end of the stream and are not part of the image"));
        }
    }

    private void readPlainBatch() throws IOException {
        long want = Math.min(PLAIN_BATCH, streamPages - produced);
        int n = 0;
        while (n < want) {
            long slot = entries.next();
            if (slot == 0) {
                break;
            }
            slots[n++] = slot;
        }
        if (n == 0) {
            throw endOfMap();
        }
        long t0 = System.nanoTime();
        reader.readPages(slots, n, pageSize, out);
        long t1 = System.nanoTime();
        crc.update(out, 0, n * pageSize);
        readNanos += t1 - t0;
        crcNanos += System.nanoTime() - t1;
        outPages = n;
        outNext = 0;
    }

    private void readUnit() throws IOException {
        long t0 = System.nanoTime();
        long cmpLen = loadUnit();
        long t1 = System.nanoTime();
        readNanos += t1 - t0;
        if (cmpLen < 0) {
            throw endOfMap();
        }
        if (direct != null) {
            decodeDirect(t1, cmpLen);
            return;
        }
        requireLzoEnd(ByteBuffer.wrap(in), cmpLen);
        int uncLen;
        try {
            uncLen = decoder.decompress(in, target.wordSize(), (int) cmpLen, out, 0, out.length);
        } catch (RuntimeException e) { // MalformedInputException, or any bounds failure of the decoder
            throw notValid(unitOffset, units, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        requireWholePages(unitOffset, units, uncLen);
        long t2 = System.nanoTime();
        decodeNanos += t2 - t1;
        crc.update(out, 0, uncLen);
        crcNanos += System.nanoTime() - t2;
        units++;
        lastUnitStored = target.wordSize() + cmpLen;
        lastUnitBytes = uncLen;
        outPages = uncLen / pageSize;
        outNext = 0;
    }

    /** As the rest of {@link #readUnit()}, with the direct decoder: decoding and the CRC32 in one call. */
    private void decodeDirect(long t1, long cmpLen) throws ImageFormatException {
        int word = target.wordSize();
        requireLzoEnd(inDirect, cmpLen);
        long r;
        try {
            r = direct.decompressWithCrc(inDirect, word, (int) cmpLen, outDirect, 0, out.length, crc.seed());
        } catch (RuntimeException e) {
            throw notValid(unitOffset, units, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        int uncLen = (int) (r >>> 32);
        requireWholePages(unitOffset, units, uncLen);
        crc.carried((int) r, uncLen);
        decodeNanos += System.nanoTime() - t1;
        units++;
        lastUnitStored = word + cmpLen;
        lastUnitBytes = uncLen;
        outPages = uncLen / pageSize;
        outNext = 0;
    }

    /**
     * Decodes the next units that lie whole in the direct window, up to {@value #BATCH_UNITS} and no more than the
     * stream can still hold, in one call of the direct decoder, straight from the window; the walk to them (lengths,
     * slots, end markers) is the decoder's too, one call for the batch. A unit scattered over the area is copied
     * together and decoded alone. Every check of {@link #readUnit()} is made, with the same messages.
     */
    private void readBatch() throws IOException {
        long t0 = System.nanoTime();
        int word = target.wordSize();
        long need = (streamPages - produced + CompressedUnits.UNC_PAGES - 1) / CompressedUnits.UNC_PAGES;
        int max = (int) Math.min(batchOffsets.length, need);
        boolean scattered = false;
        boolean moved = false;
        int count = 0;
        while (count < max) {
            if (ahead.slotPos == ahead.slotCount) {
                refillAhead();
            }
            int from = ahead.slotPos;
            direct.collectUnits(window.buffer(), window.first(), window.pages(), pageSize, ahead.slots, from,
                    ahead.slotCount, word, target.byteOrder() == dev.torpor.snapshot.api.KernelByteOrder.BIG,
                    maxCompressed, compressor == Compressor.LZO, count, max, batchOffsets, batchLengths, walk);
            for (int k = count, at = from; k < walk[0]; k++) {
                batchFirst[k] = ahead.slots[at];
                batchCompressed[k] = batchLengths[k];
                at += CompressedUnits.unitPages(batchLengths[k], pageSize, word);
            }
            count = walk[0];
            ahead.slotPos += walk[1];
            int status = walk[2];
            if (status == Compressor.DirectUnitDecoder.ENOUGH) {
                break;
            }
            if (status == Compressor.DirectUnitDecoder.NEED_ENTRIES) {
                if (refillAhead()) {
                    continue;
                }
                if (count > 0) {
                    break; // decode these; the next batch finds the end again and says so
                }
                throw ahead.missing(walk[3], units, entries, this::endOfMap, pageSize);
            }
            if (count > 0) {
                break; // the next unit needs the window moved, or is scattered, or is damaged: these first
            }
            long unitFirst = ahead.slots[ahead.slotPos];
            if ((status == Compressor.DirectUnitDecoder.FIRST_OUTSIDE
                    || status == Compressor.DirectUnitDecoder.LAST_OUTSIDE) && !moved) {
                window.moveTo(unitFirst);
                moved = true;
                continue;
            }
            // a unit scattered over the area, cut short by its end, or damaged: one at a time, with readUnit's checks
            scattered = true;
            count = loadScattered(word);
            break;
        }
        if (count == 0) {
            throw endOfMap();
        }
        long t1 = System.nanoTime();
        readNanos += t1 - t0;
        int stride = out.length;
        ByteBuffer source = scattered ? inDirect : window.buffer();
        long r = direct.decodeUnits(source, batchOffsets, batchLengths, count, outDirect, stride, crc.seed());
        int decoded = (int) (r >>> 32);
        if (decoded < count) {
            int bad = batchLengths[decoded];
            throw notValid(batchFirst[decoded] * pageSize, units + decoded,
                    bad < 0 ? "malformed data at input byte " + (-(long) bad - 1) : "it does not decode");
        }
        long bytes = 0;
        int at = 0;
        for (int k = 0; k < count; k++) {
            int uncLen = batchLengths[k];
            requireWholePages(batchFirst[k] * pageSize, units + k, uncLen);
            if (at != k * stride) {
                // a short unit before the last (legal, if not the kernel's way): the next outputs move up, page by page
                for (int p = 0; p < uncLen; p += pageSize) {
                    outDirect.put(at + p, outDirect, k * stride + p, pageSize);
                }
            }
            batchStart[k] = at / pageSize;
            at += uncLen;
            bytes += uncLen;
        }
        crc.carried((int) r, bytes);
        decodeNanos += System.nanoTime() - t1;
        units += count;
        batchUnits = count;
        lastUnitStored = word + batchCompressed[count - 1];
        lastUnitBytes = batchLengths[count - 1];
        unitOffset = batchFirst[count - 1] * pageSize;
        outPages = (int) (bytes / pageSize);
        outNext = 0;
    }

    private boolean refillAhead() throws IOException {
        long t0 = System.nanoTime();
        boolean more = ahead.refill(entries);
        mapNanos += System.nanoTime() - t0;
        return more;
    }

    /**
     * The next unit one at a time, as {@link #loadUnit()} reads it but from the entries read ahead, into
     * {@link #inDirect}, with its checks: batch entry 0; returns 1.
     */
    private int loadScattered(int word) throws IOException {
        long first = ahead.slots[ahead.slotPos];
        unitOffset = first * pageSize;
        reader.readPage(first, pageSize, inDirect, 0);
        long cmpLen = target.readWord(inDirect, 0);
        requireLength(cmpLen);
        int pages = CompressedUnits.unitPages(cmpLen, pageSize, word);
        while (ahead.slotCount - ahead.slotPos < pages) {
            if (!refillAhead()) {
                throw ahead.missing(pages, units, entries, this::endOfMap, pageSize);
            }
        }
        System.arraycopy(ahead.slots, ahead.slotPos, slots, 0, pages);
        ahead.slotPos += pages;
        reader.readPages(slots, pages, pageSize, inDirect);
        requireLzoEnd(inDirect, cmpLen);
        batchOffsets[0] = word;
        batchLengths[0] = (int) cmpLen;
        batchCompressed[0] = cmpLen;
        batchFirst[0] = first;
        return 1;
    }

    /** Whether decoding and the CRC32 are one native call (then {@link #crcNanos} stays 0: it is in decoding). */
    boolean crcInDecode() {
        return direct != null;
    }

    /** A unit's stored length must be 1 … the kernel's worst case for a unit (the unit at {@link #unitOffset}). */
    private void requireLength(long cmpLen) throws ImageFormatException {
        if (cmpLen == 0 || Long.compareUnsigned(cmpLen, maxCompressed) > 0) {
            throw new ImageFormatException(unitOffset, "compressed unit " + units + " (stream page " + (produced + 1)
                    + ") has length " + Long.toUnsignedString(cmpLen) + ", outside 1.." + maxCompressed);
        }
    }

    /** A unit must decode to whole pages. */
    private void requireWholePages(long at, long unit, int uncLen) throws ImageFormatException {
        if (uncLen <= 0 || uncLen % pageSize != 0) {
            throw new ImageFormatException(at, "compressed unit " + unit + " decompresses to " + uncLen
                    + " bytes, not a positive multiple of the page size");
        }
    }

    /** Unit {@code unit}, stored at byte {@code at}, does not decode, for the decoder's reason {@code why}. */
    private ImageFormatException notValid(long at, long unit, String why) {
        return new ImageFormatException(at, "compressed unit " + unit + " is not valid "
                + compressor.label().toUpperCase(java.util.Locale.ROOT) + " data (" + why + ")");
    }

    /**
     * {@code lzo1x_1_compress} always ends a stream with {@code 0x11 0x00 0x00}; trailing bytes are an error. Checks
     * the unit in {@code unit} (length field first) for LZO images.
     */
    private void requireLzoEnd(ByteBuffer unit, long cmpLen) throws ImageFormatException {
        int end = target.wordSize() + (int) cmpLen;
        if (compressor == Compressor.LZO && !(end >= 3 && unit.get(end - 3) == 0x11 && unit.get(end - 2) == 0
                && unit.get(end - 1) == 0)) {
            throw new ImageFormatException(unitOffset, "compressed unit " + units + " does not end with the LZO "
                    + "end-of-stream marker at its stated length " + cmpLen + " (the kernel's decoder would "
                    + "refuse it: missing or trailing bytes)");
        }
    }

    /**
     * Reads the next compressed unit's pages into {@code in} (length field first) and checks its length;
     * returns the compressed length, or -1 at the end of the map.
     */
    private long loadUnit() throws IOException {
        long first = entries.next();
        if (first == 0) {
            return -1;
        }
        unitOffset = first * pageSize;
        if (direct != null) {
            reader.readPage(first, pageSize, inDirect, 0);
        } else {
            reader.readPage(first, pageSize, in, 0);
        }
        int lengthField = target.wordSize();
        long cmpLen = target.readWord(direct != null ? inDirect : ByteBuffer.wrap(in), 0);
        requireLength(cmpLen);
        int pages = CompressedUnits.unitPages(cmpLen, pageSize, lengthField);
        slots[0] = first;
        for (int i = 1; i < pages; i++) {
            long slot = entries.next();
            if (slot == 0) {
                throw new ImageFormatException(entries.lastEntryOffset(), "compressed unit " + units + " at byte "
                        + unitOffset + " needs " + pages + " pages but the swap map ends after " + i);
            }
            slots[i] = slot;
        }
        if (pages > 1 && direct != null) {
            reader.readPages(slots, pages, pageSize, inDirect);
        } else if (pages > 1) {
            reader.readPages(slots, pages, pageSize, in);
        }
        return cmpLen;
    }

    /**
     * The compressed bytes of the next unit (without the length field), for benchmarks that time decoding
     * apart from disk reads; {@code null} at the end of the map.
     */
    byte[] nextRawUnit() throws IOException {
        long cmpLen = loadUnit();
        if (cmpLen < 0) {
            return null;
        }
        units++;
        if (direct != null) {
            byte[] raw = new byte[(int) cmpLen];
            inDirect.get(target.wordSize(), raw);
            return raw;
        }
        return java.util.Arrays.copyOfRange(in, target.wordSize(), target.wordSize() + (int) cmpLen);
    }

    private ImageFormatException endOfMap() {
        return new ImageFormatException(entries.lastEntryOffset(), "the swap map ends after " + produced + " of "
                + streamPages + " stream pages");
    }
}
