package dev.torpor.image.io.read;

import dev.torpor.snapshot.api.TargetProfile;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Looks at saved pages as they stream past for the first VMCOREINFO note that starts a page (where the kernel
 * allocates it), joining the next page when the note runs on into it. Costs one comparison per page until found.
 */
final class VmcoreInfoFinder {
    private final TargetProfile target;
    private final int pageSize;
    private Optional<VmcoreInfo> found = Optional.empty();
    /** A note that runs past its first page: its bytes so far, where it started, and how long it is. */
    private byte[] pending;
    private int filled;
    private int length;
    private long startPfn;
    private long nextPfn;

    VmcoreInfoFinder(TargetProfile target) {
        this.target = target;
        this.pageSize = target.pageSize();
    }

    void offer(long pfn, ByteBuffer page) {
        if (found.isPresent()) {
            return;
        }
        if (pending != null) {
            if (pfn == nextPfn) {
                int n = Math.min(length - filled, Math.min(pageSize, page.remaining()));
                page.get(page.position(), pending, filled, n);
                filled += n;
                nextPfn++;
                if (filled == length) {
                    found = VmcoreInfo.parse(startPfn, pending, length);
                    pending = null;
                }
                return;
            }
            pending = null; // the next page of the note was not saved after it: not a whole note
        }
        OptionalInt len = VmcoreInfo.noteLength(page, target);
        if (len.isEmpty()) {
            return;
        }
        length = len.getAsInt();
        pending = new byte[length];
        filled = Math.min(length, Math.min(pageSize, page.remaining()));
        page.get(page.position(), pending, 0, filled);
        startPfn = pfn;
        nextPfn = pfn + 1;
        if (filled == length) {
            found = VmcoreInfo.parse(pfn, pending, length);
            pending = null;
        }
    }

    Optional<VmcoreInfo> found() {
        return found;
    }
}
