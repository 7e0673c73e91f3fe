package dev.torpor.hibernation;

import dev.torpor.platform.linux.JvmQuiescence;
import dev.torpor.platform.linux.LinuxSnapshotDevice;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the safe-hibernation procedure has done before the freeze, in the order it does it, told to
 * {@link HibernationListener#step} and kept in {@link SafeHibernation.Report#steps()}.
 */
public sealed interface Step {
    /**
     * The young generation was checked against the largest image of this machine ({@code line} has the figures),
     * or could not be ({@code checked} false: the eden size or MemTotal is unknown).
     */
    record HeapChecked(boolean checked, String line) implements Step {
    }

    /** The per-page device calls were made on harmless nodes ({@code /dev/zero}, {@code /dev/null}). */
    record DeviceCallsRehearsed(LinuxSnapshotDevice.Rehearsed calls) implements Step {
    }

    /**
     * The whole sequence ran against an emulated machine of this kernel until its speed converged, so that the code
     * of the post-snapshot path is loaded and compiled.
     *
     * @param savedPages       pages the first rehearsal saved and restored intact
     * @param runs             rehearsals in all
     * @param took             how long the warm-up took
     * @param converged        the speed stopped improving (false: stopped at the limit)
     * @param speculationOff   the JVM runs without uncommon traps ({@code PerMethodTrapLimit=0},
     *                         {@code PerMethodSpecTrapLimit=0}); without them compiled code may fall back to the
     *                         interpreter after the snapshot
     */
    record Rehearsed(int savedPages, int runs, Duration took, boolean converged, boolean speculationOff)
            implements Step {
    }

    /**
     * The JIT was stopped and the process locked in memory.
     *
     * @param residentKib   VmRSS after locking
     * @param notPrefaulted file mappings that mlock refused and that are locked as they are touched
     */
    record Locked(long residentKib, List<Path> notPrefaulted) implements Step {
        public Locked {
            notPrefaulted = List.copyOf(notPrefaulted);
        }
    }

    /** An active swap area still carried an old image signature ({@code signature}); it was reset, as the kernel does. */
    record AreaReused(Path device, String signature) implements Step {
    }

    /**
     * The JVM came to rest: no compilation, references processed, every other thread waiting.
     *
     * @param rest        how it went
     * @param residentKib VmRSS now, all of it locked
     */
    record AtRest(JvmQuiescence.Report rest, long residentKib) implements Step {
    }

    /** Everything is ready: the system is frozen next. */
    record Freezing(HibernationOptions options, long imageSize) implements Step {
    }
}
