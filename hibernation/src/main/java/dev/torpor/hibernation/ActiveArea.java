package dev.torpor.hibernation;

import dev.torpor.image.io.write.Invalidation;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.snapshot.api.KernelByteOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The swap area hibernate writes to. An area in use as swap that still carries an old image signature (S1SUSPEND and
 * the like, left by a hibernation that never resumed) holds no image that could ever be resumed: its slots are
 * being used as swap. Hibernate then reuses it, as the kernel does, and says so. An area not in use keeps its image.
 */
final class ActiveArea {
    private ActiveArea() {
    }

    static SwapArea open(PageStore store, Path device, long offset, int pageSize, KernelByteOrder order,
                         List<LinuxFacts.SwapArea> active, HibernationListener listener) throws IOException {
        try {
            return SwapArea.open(store, offset, pageSize, order);
        } catch (SwapArea.ImagePresentException e) {
            if (!inUse(device, offset, active)) {
                throw e;
            }
            Invalidation.Result r = Invalidation.invalidate(store, offset);
            listener.step(new Step.AreaReused(device, r.signature()));
            return SwapArea.open(store, offset, pageSize, order);
        }
    }

    /** Whether {@code device} (offset 0: a partition) is one of the active swap areas. */
    static boolean inUse(Path device, long offset, List<LinuxFacts.SwapArea> active) throws IOException {
        if (offset != 0 || !Files.exists(device)) {
            return false;
        }
        Path real = device.toRealPath();
        for (LinuxFacts.SwapArea a : active) {
            Path p = Path.of(a.filename());
            if (Files.exists(p) && p.toRealPath().equals(real)) {
                return true;
            }
        }
        return false;
    }
}
