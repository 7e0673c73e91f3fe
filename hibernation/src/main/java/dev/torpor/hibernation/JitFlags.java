package dev.torpor.hibernation;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/**
 * Whether this JVM runs with the compiler flags {@code torpor hibernate} documents: no uncommon traps from branch and
 * type profiles ({@code PerMethodTrapLimit=0}, {@code PerMethodSpecTrapLimit=0}). Compiled code then handles every
 * branch and receiver class itself, so data or classes that the rehearsals did not show (real memory, the real
 * {@code /dev/snapshot} device) do not deoptimise it after the snapshot, when the frozen compilers could not compile
 * it again. Measured in a 6.12 guest: LZ4 compression deoptimised right after {@code CREATE_IMAGE} and wrote at a third
 * of the speed.
 */
final class JitFlags {
    private JitFlags() {
    }

    /** Both limits are 0 (false also when they cannot be read). */
    static boolean speculationOff() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotspot != null && "0".equals(hotspot.getVMOption("PerMethodTrapLimit").getValue())
                    && "0".equals(hotspot.getVMOption("PerMethodSpecTrapLimit").getValue());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
