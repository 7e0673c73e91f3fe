package dev.torpor.image.io.export;

import dev.torpor.snapshot.api.TargetProfile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Locale;

/** The output formats of {@link MemoryExport}. */
public enum ExportFormat {
    /** Page PFN at byte offset PFN × page size; holes (sparse) where no page or a zero page is. */
    RAW,
    /** LiME: a 32-byte range header before each contiguous run of pages. */
    LIME,
    /**
     * ELF64 core as kdump lays it out: the VMCOREINFO note first, one PT_LOAD per contiguous run (physical address
     * in p_paddr), and on x86_64 the kernel image's runs again at their text-mapping addresses.
     */
    ELF;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExportFormat parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    /** A writer of this format; the ELF one needs its {@code plan} (made by a first pass over the image). */
    MemoryWriter writer(FileChannel out, TargetProfile target, ElfPlan plan) throws IOException {
        switch (this) {
            case RAW: return new RawWriter(out, target.pageSize());
            case LIME: return new LimeWriter(out, target.pageSize());
            default: return new ElfWriter(out, target, plan);
        }
    }
}
