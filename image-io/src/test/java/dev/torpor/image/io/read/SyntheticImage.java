package dev.torpor.image.io.read;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.codec.Crc32Le;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.swap.format.CompressedUnits;
import dev.torpor.swap.format.HeaderLayout;
import dev.torpor.swap.format.SwapMapPage;
import dev.torpor.swap.format.SwapSignature;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lzo.LzoCompressor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongPredicate;

/**
 * Test-side writer of synthetic swap areas for what the corpus lacks (other page sizes, word sizes, byte
 * orders, eras, LZ4, foreign signatures). It follows the kernel's writer ({@code swap_write_page},
 * {@code mark_swapfiles}) step by step and streams, so it can write images of any size with a small heap.
 * The PFNs are {@code firstPfn + i × stride}; page contents come from {@link #content(long, ByteBuffer)}.
 */
public final class SyntheticImage {
    /** The kind of record at the start of the header page. */
    public enum Header { X86_64, X86_64_LEGACY, I386, UTS, ARM64, RISCV64 }

    public int pageSize = 4096;
    public int wordSize = 8;
    public int sectorSize = 8;
    public KernelByteOrder order = KernelByteOrder.LITTLE;
    public HeaderLayout layout = HeaderLayout.V5_17;
    public Compressor compressor = Compressor.LZO;
    public Header header = Header.X86_64;
    public String machine = "x86_64";
    public String release = "6.1.0";
    public long versionCode = 0x060100;
    public long pfnCount = 1000;
    public long firstPfn = 16;
    public long stride = 1;
    /** Which PFNs (by index) are zero pages in the 6.6+ encoding; null = none. */
    public LongPredicate zeroIndex;
    /** Store kernel virtual addresses (2.6.16–2.6.18) instead of PFNs. */
    public boolean virtualAddresses;
    public long pageOffset = 0xffff810000000000L;
    public boolean crc = true;
    public long extraFlags;
    public long hwSig;
    /** Device page index of the swap header (a swap file on a device: its resume offset). */
    public long base;
    /** Free pages of the area after the image. */
    public long slack = 64;

    /** Facts of the written image. */
    public record Facts(long pages, long imagePages, long metaPages, long zeroPages, long crc32, long mapPages,
                        long storedPages, long units, long flags, long firstMapPage, long areaPages) {
    }

    /** Deterministic content of the page at {@code pfn}: a recognisable, compressible pattern. */
    public static void content(long pfn, ByteBuffer page) {
        ByteBuffer b = page.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 16 <= b.capacity(); i += 256) {
            b.putLong(i, pfn);
            b.putLong(i + 8, 0x746f72706f72L ^ (i * 31L));
        }
    }

    public TargetProfile target() {
        return new TargetProfile(pageSize, wordSize, order, "unknown");
    }

    private boolean isZero(long i) {
        return zeroIndex != null && zeroIndex.test(i);
    }

    public Facts write(Path file) throws IOException {
        TargetProfile t = target();
        long zero = 0;
        for (long i = 0; zeroIndex != null && i < pfnCount; i++) {
            if (isZero(i)) {
                zero++;
            }
        }
        long n = pfnCount - zero;
        long m = (pfnCount * wordSize + pageSize - 1) / pageSize;
        long pages = n + m + 1;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
            Writer w = new Writer(ch, t);
            w.store(headerPage(t, n, pages));
            Crc32Le crc32 = new Crc32Le();
            UnitPacker packer = new UnitPacker(w, t, crc32);
            ByteBuffer page = ByteBuffer.allocate(pageSize);
            // metadata pages
            long idx = 0;
            for (long mp = 0; mp < m; mp++) {
                page.clear();
                java.util.Arrays.fill(page.array(), (byte) 0);
                int e = 0;
                for (; e < t.wordsPerPage() && idx < pfnCount; e++, idx++) {
                    long pfn = firstPfn + idx * stride;
                    long v = virtualAddresses ? pageOffset + pfn * pageSize : pfn;
                    if (isZero(idx)) {
                        v |= t.topBit();
                    }
                    t.writeWord(page, e * wordSize, v);
                }
                if (e < t.wordsPerPage() && !virtualAddresses) {
                    t.writeWord(page, e * wordSize, t.allOnes());
                }
                packer.add(page);
            }
            for (long i = 0; i < pfnCount; i++) {
                if (isZero(i)) {
                    continue;
                }
                page.clear();
                java.util.Arrays.fill(page.array(), (byte) 0);
                content(firstPfn + i * stride, page);
                packer.add(page);
            }
            packer.flush();
            long flags = extraFlags | (compressor == Compressor.NONE ? 2 : 0) | (compressor == Compressor.LZ4 ? 16 : 0)
                    | (compressor != Compressor.NONE && crc ? 4 : 0) | (hwSig != 0 ? 8 : 0);
            long mapPages = w.finish();
            long areaPages = w.next - base + slack;
            writeSwapHeader(ch, areaPages, flags, compressor != Compressor.NONE && crc ? crc32.value() : 0,
                    w.firstMap);
            if (ch.size() < (base + areaPages) * pageSize) {
                ch.write(ByteBuffer.allocate(1), (base + areaPages) * pageSize - 1);
            }
            long crcValue = crc32.value();
            return new Facts(pages, n, m, zero, crcValue, mapPages, w.stored, packer.units, flags, w.firstMap, areaPages);
        }
    }

    private ByteBuffer headerPage(TargetProfile t, long n, long pages) {
        ByteBuffer p = ByteBuffer.allocate(pageSize).order(order.nio());
        SnapshotInfo.Layout l = SnapshotInfo.Layout.forWordSize(wordSize);
        switch (header) {
            case X86_64:
                p.putLong(0, 0xffffffff8a0e3000L).putLong(8, 0xa0e3000L).putLong(16, 0x2b0a000L)
                        .putLong(24, 0x23456789ABCDEF02L).putLong(32, 0xBA57D9D2L);
                break;
            case X86_64_LEGACY:
                p.putLong(0, 0xffffffff8a0e3000L).putLong(8, 0x2b0a000L).putLong(16, 0x0123456789ABCDEFL);
                break;
            case I386:
                p.putInt(0, 0xc1a0e300).putInt(4, 0x01a0e300).putInt(8, 0x02b0a000).putInt(12, 0x12345679)
                        .putInt(16, 0x1a2b3c4d);
                break;
            case ARM64:
            case RISCV64:
                byte[] v = "#1 SMP PREEMPT Debian 6.12.9-1 (2025-01-19)".getBytes(StandardCharsets.US_ASCII);
                p.put(0, v);
                if (header == Header.ARM64) {
                    p.putLong(72, 0x41a2b000L).putLong(80, 0xffff800080b7c000L).putLong(88, 0xffff800080010000L)
                            .putLong(96, 0x80000000L);
                } else {
                    p.putLong(72, 0).putLong(80, 0x8000000000081234L).putLong(88, 0xffffffff80c01234L);
                }
                break;
            default:
                putString(p, 0, "Linux");
                putString(p, Utsname.FIELD_LENGTH, "synthetic");
                putString(p, 2 * Utsname.FIELD_LENGTH, release);
                putString(p, 3 * Utsname.FIELD_LENGTH, "#1 SMP");
                putString(p, 4 * Utsname.FIELD_LENGTH, machine);
                putString(p, 5 * Utsname.FIELD_LENGTH, "(none)");
                p.putInt(l.versionCode(), (int) versionCode);
        }
        t.writeWord(p, l.numPhysPages(), 262144);
        p.putInt(l.cpus(), header == Header.UTS ? 2 : 0);
        t.writeWord(p, l.imagePages(), n);
        t.writeWord(p, l.pages(), pages);
        t.writeWord(p, l.size(), pages * pageSize);
        return p;
    }

    private static void putString(ByteBuffer p, int off, String s) {
        p.put(off, s.getBytes(StandardCharsets.US_ASCII));
    }

    private void writeSwapHeader(FileChannel ch, long areaPages, long flags, long crc, long image) throws IOException {
        ByteBuffer p = ByteBuffer.allocate(pageSize).order(order.nio());
        p.putInt(1024, 1).putInt(1028, (int) (areaPages - 1)).putInt(1032, 0);
        p.putLong(1036, 0x1234_5678_9abc_def0L).putLong(1044, 0x0fed_cba9_8765_4321L);
        putString(p, 1052, "synthetic");
        p.put(pageSize - 20, SwapSignature.SWAPSPACE2.bytes());
        p.put(pageSize - 10, SwapSignature.S1SUSPEND.bytes());
        int io = layout.imageOffset(pageSize, sectorSize);
        if (sectorSize == 8) {
            p.putLong(io, image);
        } else {
            p.putInt(io, (int) image);
        }
        layout.flagsOffset(pageSize).ifPresent(o -> p.putInt(o, (int) flags));
        layout.crc32Offset(pageSize, sectorSize).ifPresent(o -> p.putInt(o, (int) crc));
        layout.hwSigOffset(pageSize, sectorSize).ifPresent(o -> p.putInt(o, (int) hwSig));
        ch.write(p.clear(), base * pageSize);
    }

    /** The kernel's swap writer: sequential slots, map page allocated first, next map slot when one fills. */
    private final class Writer {
        final FileChannel ch;
        final TargetProfile t;
        final int entriesPerMap = SwapMapPage.entriesPerPage(pageSize, sectorSize);
        final ByteBuffer map = ByteBuffer.allocate(pageSize);
        long next = base + 1;
        long firstMap;
        long mapSlot;
        int k;
        long mapPages;
        long stored;

        Writer(FileChannel ch, TargetProfile t) {
            this.ch = ch;
            this.t = t;
            map.order(order.nio());
            firstMap = mapSlot = next++;
        }

        void store(ByteBuffer page) throws IOException {
            long slot = next++;
            ch.write(page.duplicate().clear(), slot * pageSize);
            putEntry(k++, slot);
            stored++;
            if (k == entriesPerMap) {
                long nextMap = next++;
                putEntry(entriesPerMap, nextMap);
                ch.write(map.duplicate().clear(), mapSlot * pageSize);
                mapPages++;
                java.util.Arrays.fill(map.array(), (byte) 0);
                mapSlot = nextMap;
                k = 0;
            }
        }

        private void putEntry(int i, long v) {
            if (sectorSize == 8) {
                map.putLong(i * 8, v);
            } else {
                map.putInt(i * 4, (int) v);
            }
        }

        long finish() throws IOException {
            ch.write(map.duplicate().clear(), mapSlot * pageSize);
            return ++mapPages;
        }
    }

    /** Cuts the stream after the header page into units of 32 pages and stores them. */
    private final class UnitPacker {
        final Writer w;
        final TargetProfile t;
        final Crc32Le crc;
        final byte[] unc = new byte[CompressedUnits.uncompressedSize(pageSize)];
        final byte[] cmp;
        int fill;
        long units;
        final io.airlift.compress.Compressor codec;

        UnitPacker(Writer w, TargetProfile t, Crc32Le crc) {
            this.w = w;
            this.t = t;
            this.crc = crc;
            this.codec = compressor == Compressor.LZ4 ? new Lz4Compressor() : new LzoCompressor();
            this.cmp = new byte[codec.maxCompressedLength(unc.length) + wordSize + pageSize];
        }

        void add(ByteBuffer page) throws IOException {
            if (compressor == Compressor.NONE) {
                crc.update(page.array(), 0, pageSize);
                w.store(page);
                return;
            }
            System.arraycopy(page.array(), 0, unc, fill * pageSize, pageSize);
            if (++fill == CompressedUnits.UNC_PAGES) {
                flush();
            }
        }

        void flush() throws IOException {
            if (compressor == Compressor.NONE || fill == 0) {
                return;
            }
            int len = fill * pageSize;
            crc.update(unc, 0, len);
            java.util.Arrays.fill(cmp, (byte) 0);
            int c = codec.compress(unc, 0, len, cmp, wordSize, cmp.length - wordSize);
            t.writeWord(ByteBuffer.wrap(cmp), 0, c);
            int pagesOut = (c + wordSize + pageSize - 1) / pageSize;
            for (int i = 0; i < pagesOut; i++) {
                w.store(ByteBuffer.wrap(cmp, i * pageSize, pageSize).slice());
            }
            units++;
            fill = 0;
        }
    }
}
