package dev.torpor.snapshot.api;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * arm64's {@code struct arch_hibernate_hdr} (4.7+): the kernel's version string, then the
 * translation table base, the re-entry address, the hyp stub vectors and the MPIDR of the CPU that
 * went to sleep.
 */
public record Arm64HibernateHeader(String utsVersion, long ttbr1El1, long reenterKernel, long hypStubVectors,
                                   long sleepCpuMpidr) implements ArchRecord {

    static Arm64HibernateHeader read(ByteBuffer page, TargetProfile p) {
        return new Arm64HibernateHeader(Utsname.cString(page, 0, Utsname.FIELD_LENGTH), p.readWord(page, 72),
                p.readWord(page, 80), p.readWord(page, 88), p.readWord(page, 96));
    }

    @Override
    public String arch() {
        return "arm64";
    }

    @Override
    public String type() {
        return "arm64 arch_hibernate_hdr";
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("utsVersion", utsVersion);
        m.put("ttbr1El1", X86RestoreRecord.unsigned(ttbr1El1));
        m.put("reenterKernel", X86RestoreRecord.unsigned(reenterKernel));
        m.put("hypStubVectors", X86RestoreRecord.unsigned(hypStubVectors));
        m.put("sleepCpuMpidr", X86RestoreRecord.unsigned(sleepCpuMpidr));
        return m;
    }
}
