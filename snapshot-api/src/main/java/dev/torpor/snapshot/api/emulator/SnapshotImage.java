package dev.torpor.snapshot.api.emulator;

import dev.torpor.snapshot.api.PfnMetadata;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.snapshot.api.KernelVersion;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The image the emulated kernel made at {@code CREATE_IMAGE}: an atomic copy of the saved pages, and the
 * stream it yields in the kernel's format for the profile — header page, metadata, data.
 */
final class SnapshotImage {
    static final long X86_64_RESTORE_MAGIC = 0x23456789ABCDEF02L;

    private final KernelProfile profile;
    private final long numPhysPages;
    private final long e820Checksum;
    private final long[] pfns;
    private final boolean[] zero;
    private final Map<Long, byte[]> data;
    private final long dataPages;
    private final long metaPages;
    private final long[] dataOrder;

    SnapshotImage(KernelProfile profile, long numPhysPages, long e820Checksum, List<Long> savedPfns,
                  Map<Long, byte[]> copies) {
        this.profile = profile;
        this.numPhysPages = numPhysPages;
        this.e820Checksum = e820Checksum;
        this.pfns = savedPfns.stream().mapToLong(Long::longValue).sorted().toArray();
        this.zero = new boolean[pfns.length];
        long n = 0;
        for (int i = 0; i < pfns.length; i++) {
            zero[i] = profile.zeroPages() && !copies.containsKey(pfns[i]);
            if (!zero[i]) {
                n++;
            }
        }
        this.data = copies;
        this.dataPages = n;
        this.dataOrder = new long[(int) n];
        int k = 0;
        for (int i = 0; i < pfns.length; i++) {
            if (!zero[i]) {
                dataOrder[k++] = pfns[i];
            }
        }
        this.metaPages = PfnMetadata.pagesFor(pfns.length, profile.target());
    }

    /** Pages in the stream: data + metadata + header. */
    long pages() {
        return dataPages + metaPages + 1;
    }

    /** Stream page {@code index} (0 = header page). */
    byte[] page(long index) {
        TargetProfile t = profile.target();
        int p = t.pageSize();
        if (index == 0) {
            return header();
        }
        if (index <= metaPages) {
            ByteBuffer page = ByteBuffer.allocate(p);
            int per = t.wordsPerPage();
            long first = (index - 1) * per;
            int e = 0;
            for (; e < per && first + e < pfns.length; e++) {
                int i = (int) (first + e);
                long entry = profile.virtualAddressMetadata() ? KernelProfile.X86_64_PAGE_OFFSET + pfns[i] * p
                        : PfnMetadata.encode(new PfnMetadata.Entry(pfns[i], zero[i]), t);
                t.writeWord(page, e * t.wordSize(), entry);
            }
            if (e < per && !profile.virtualAddressMetadata()) {
                t.writeWord(page, e * t.wordSize(), PfnMetadata.endMarker(t));
            }
            return page.array();
        }
        long k = index - metaPages - 1;
        if (k >= dataOrder.length) {
            throw new IllegalArgumentException("stream page " + index + " beyond " + pages());
        }
        byte[] d = data.get(dataOrder[(int) k]);
        return d == null ? new byte[p] : d.clone();
    }

    private byte[] header() {
        TargetProfile t = profile.target();
        ByteBuffer h = ByteBuffer.allocate(t.pageSize()).order(t.byteOrder().nio());
        SnapshotInfo.Layout l = SnapshotInfo.Layout.forWordSize(t.wordSize());
        if (profile.archHeader()) {
            h.putLong(0, 0xffffffff81000000L).putLong(8, 0x1000000L).putLong(16, 0x2a00000L)
                    .putLong(24, X86_64_RESTORE_MAGIC).putLong(32, e820Checksum);
        } else {
            put(h, 0, "Linux");
            put(h, Utsname.FIELD_LENGTH, "torpor-emulator");
            put(h, 2 * Utsname.FIELD_LENGTH, KernelVersion.format(profile.versionCode()));
            put(h, 3 * Utsname.FIELD_LENGTH, "#1 SMP emulated");
            put(h, 4 * Utsname.FIELD_LENGTH, t.arch());
            h.putInt(l.versionCode(), (int) profile.versionCode());
        }
        t.writeWord(h, l.numPhysPages(), numPhysPages);
        t.writeWord(h, l.imagePages(), dataPages);
        t.writeWord(h, l.pages(), pages());
        t.writeWord(h, l.size(), pages() * t.pageSize());
        return h.array();
    }

    private static void put(ByteBuffer b, int off, String s) {
        b.put(off, s.getBytes(StandardCharsets.US_ASCII));
    }

    /** A fingerprint of the saved memory, to recognise this image when it is restored. */
    long fingerprint() {
        return fingerprint(data);
    }

    /** The fingerprint of a set of saved non-zero pages. */
    static long fingerprint(Map<Long, byte[]> pages) {
        long h = 17;
        for (Map.Entry<Long, byte[]> e : new java.util.TreeMap<>(pages).entrySet()) {
            if (!EmulatedMemory.isZero(e.getValue())) {
                h = h * 31 + e.getKey();
                h = h * 31 + Arrays.hashCode(e.getValue());
            }
        }
        return h;
    }
}
