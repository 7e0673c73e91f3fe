package dev.torpor.snapshot.api.emulator;

import dev.torpor.snapshot.api.PfnMetadata;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.ErrnoException;
import dev.torpor.snapshot.api.device.SnapshotIoctl;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The restore side of the emulated device ({@code snapshot_write_next}): it takes the header page, then the PFN
 * metadata, then hands out a buffer for each data page by ascending PFN, with the kernel's checks (the image must
 * match this machine's architecture record and memory, and every listed PFN must be present). Split out of
 * {@link EmulatedSnapshotDevice}, which holds the state machine and the read/write page rules.
 */
final class RestoreStreamLoader {
    private final EmulatedMachine machine;
    private final int pageSize;
    byte[] buffer;
    final Map<Long, byte[]> pages = new TreeMap<>();
    int phase; // 0 header not yet handed out, 1 header, 2 metadata, 3 data, 4 done
    long metaPages;
    long metaSeen;
    long copyPages;
    long dataGiven;
    long[] order;
    boolean[] zero;
    int next;
    long current = -1;
    final java.util.TreeSet<Long> copyPfns = new java.util.TreeSet<>();
    final java.util.TreeSet<Long> zeroPfns = new java.util.TreeSet<>();

    RestoreStreamLoader(EmulatedMachine machine, int pageSize) {
        this.machine = machine;
        this.pageSize = pageSize;
        this.buffer = new byte[pageSize];
    }

    /** What the emulated firmware's memory map checksums to: it depends only on the memory size. */
    static long e820Checksum(long presentPages) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(ByteBuffer.allocate(8).putLong(0, presentPages));
        return c.getValue();
    }

    int next() throws ErrnoException {
        TargetProfile t = machine.profile().target();
        switch (phase) {
            case 0:
                phase = 1;
                return pageSize;
            case 1:
                loadHeader(ByteBuffer.wrap(buffer), t);
                phase = 2;
                buffer = new byte[pageSize];
                return pageSize;
            case 2:
                unpack(ByteBuffer.wrap(buffer), t);
                metaSeen++;
                if (metaSeen < metaPages) {
                    buffer = new byte[pageSize];
                    return pageSize;
                }
                prepare();
                phase = 3;
                return advance();
            case 3:
                commit();
                return advance();
            default:
                return 0;
        }
    }

    private void loadHeader(ByteBuffer h, TargetProfile t) throws ErrnoException {
        SnapshotInfo info = SnapshotInfo.parse(h, t);
        boolean archOk;
        if (machine.profile().archHeader()) {
            h.order(t.byteOrder().nio());
            archOk = h.getLong(24) == SnapshotImage.X86_64_RESTORE_MAGIC && h.getLong(32) == e820Checksum(machine.memory().presentPages());
        } else {
            archOk = info.versionCode() == machine.profile().versionCode();
        }
        if (!archOk || info.numPhysPages() != machine.memory().presentPages()) {
            throw new ErrnoException("write", Errno.EPERM, "image mismatch: " + (archOk ? "memory size"
                    : "architecture specific data"));
        }
        copyPages = info.imagePages();
        metaPages = info.pages() - info.imagePages() - 1;
        if (metaPages < 1 || metaPages > (1 << 22) || copyPages > machine.memory().presentPages()) {
            throw new ErrnoException("write", Errno.ENOMEM, "cannot allocate memory for the image");
        }
    }

    private void unpack(ByteBuffer page, TargetProfile t) throws ErrnoException {
        for (int j = 0; j < t.wordsPerPage(); j++) {
            long raw = PfnMetadata.rawEntry(page, j, t);
            if (machine.profile().virtualAddressMetadata()) {
                if (raw == 0) {
                    break;
                }
                raw = Long.compareUnsigned(raw, KernelProfile.X86_64_PAGE_OFFSET) >= 0
                        ? (raw - KernelProfile.X86_64_PAGE_OFFSET) / pageSize : -1;
            } else if (raw == PfnMetadata.endMarker(t)) {
                break;
            }
            PfnMetadata.Entry e = machine.profile().zeroPages() ? PfnMetadata.decode(raw, t)
                    : new PfnMetadata.Entry(raw, false);
            if (!machine.memory().present(e.pfn())) {
                throw new ErrnoException("write", Errno.EFAULT, String.format(
                        "Memory map mismatch at 0x%x after hibernation", e.pfn() * pageSize));
            }
            (e.zero() ? zeroPfns : copyPfns).add(e.pfn());
        }
    }

    private void prepare() {
        java.util.TreeMap<Long, Boolean> all = new java.util.TreeMap<>();
        copyPfns.forEach(p -> all.put(p, false));
        zeroPfns.forEach(p -> all.put(p, true));
        order = all.keySet().stream().mapToLong(Long::longValue).toArray();
        zero = new boolean[order.length];
        int i = 0;
        for (boolean z : all.values()) {
            zero[i++] = z;
        }
    }

    /** Zero pages are filled here; the next data page gets a buffer. 0 once everything is in. */
    private int advance() throws ErrnoException {
        while (next < order.length && zero[next]) {
            pages.put(order[next], new byte[pageSize]);
            next++;
        }
        if (dataGiven == copyPages) {
            phase = 4;
            return 0;
        }
        if (next == order.length) {
            throw new ErrnoException("write", Errno.EFAULT, "the metadata lists fewer pages than the image");
        }
        current = order[next++];
        buffer = new byte[pageSize];
        dataGiven++;
        return pageSize;
    }

    private void commit() {
        if (current >= 0) {
            pages.put(current, buffer);
            current = -1;
        }
    }

    /** The 2026 finalize: commits the last page and drains trailing zero pages; ENODATA if data is missing. */
    void finalizeWrite() throws ErrnoException {
        if (phase == 3) {
            commit();
            if (dataGiven < copyPages) {
                throw new ErrnoException(SnapshotIoctl.ATOMIC_RESTORE, Errno.ENODATA,
                        "the image still expects data pages");
            }
            advance();
        }
    }

    boolean loaded() {
        if (phase == 3 && dataGiven == copyPages) {
            commit();
            boolean trailingZeros = false;
            for (int i = next; i < order.length; i++) {
                trailingZeros |= zero[i];
            }
            return !trailingZeros;
        }
        return phase == 4;
    }
}
