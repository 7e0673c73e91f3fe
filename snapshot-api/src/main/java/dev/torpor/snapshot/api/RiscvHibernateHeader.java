package dev.torpor.snapshot.api;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RISC-V's {@code struct arch_hibernate_hdr} (≈6.4+): the kernel's version string, the hart id,
 * the saved {@code satp} and the address of the CPU restore code. Offsets follow the word size
 * (RV64: 72/80/88, RV32: 68/72/76).
 */
public record RiscvHibernateHeader(String utsVersion, long hartid, long savedSatp, long restoreCpuAddr, int wordSize)
        implements ArchRecord {

    static RiscvHibernateHeader read(ByteBuffer page, TargetProfile p) {
        int w = p.wordSize();
        int base = w == 8 ? 72 : 68;
        return new RiscvHibernateHeader(Utsname.cString(page, 0, Utsname.FIELD_LENGTH), p.readWord(page, base),
                p.readWord(page, base + w), p.readWord(page, base + 2 * w), w);
    }

    /** Whether {@code satp} holds a paging mode the kernel uses (Sv32 on RV32, Sv39/48/57 on RV64). */
    static boolean plausibleSatp(long satp, int wordSize) {
        if (wordSize == 4) {
            return (satp & 0x8000_0000L) != 0;
        }
        long mode = satp >>> 60;
        return mode == 8 || mode == 9 || mode == 10;
    }

    @Override
    public String arch() {
        return wordSize == 8 ? "riscv64" : "riscv32";
    }

    @Override
    public String type() {
        return "riscv arch_hibernate_hdr";
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("utsVersion", utsVersion);
        m.put("hartid", X86RestoreRecord.unsigned(hartid));
        m.put("savedSatp", X86RestoreRecord.unsigned(savedSatp));
        m.put("restoreCpuAddr", X86RestoreRecord.unsigned(restoreCpuAddr));
        return m;
    }
}
