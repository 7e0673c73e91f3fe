package dev.torpor.image.io.export;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.KernelIdentity;
import dev.torpor.image.io.read.VmcoreInfo;
import dev.torpor.snapshot.api.TargetProfile;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a kdump-style ELF core needs before its first byte, since its program headers come first: the VMCOREINFO note
 * (from a full inspection), the number of runs, and (x86_64) the physical range of the kernel image with the runs that
 * cross it (from a pass over the metadata pages alone).
 *
 * @param runs         contiguous runs of saved PFNs (zero pages included)
 * @param note         the VMCOREINFO note as an ELF note, empty where the image holds none
 * @param text         the kernel image's physical range and its text mapping, x86_64 with a full note only
 * @param textSegments the runs that cross {@code text}: one more {@code PT_LOAD} each
 */
record ElfPlan(long runs, byte[] note, Optional<KernelText> text, long textSegments) {
    private static final long START_KERNEL_MAP = KernelIdentity.START_KERNEL_MAP;
    /** x86_64 maps the kernel in 2 MiB pages. */
    private static final long HUGE = 2L << 20;

    /**
     * The kernel image's physical range and the offset that maps it into the text mapping.
     *
     * @param physStart first byte (2 MiB aligned, at {@code _stext})
     * @param physEnd   the byte after the last (2 MiB aligned, past the highest symbol VMCOREINFO names there)
     * @param physBase  {@code phys_base}: virtual = physical − physBase + {@code __START_KERNEL_map}
     */
    record KernelText(long physStart, long physEnd, long physBase) {
        long virtual(long physical) {
            return physical - physBase + START_KERNEL_MAP;
        }

        boolean crosses(long start, long end) {
            return start < physEnd && end > physStart;
        }
    }

    static ElfPlan of(HibernationImage image) throws IOException {
        image.requireReadable();
        Optional<KernelIdentity> kernel = image.inspect(false).kernel(); // never throws for damage: it reports it
        TargetProfile target = image.detection().orElseThrow().target();
        Optional<VmcoreInfo> vmcoreinfo = kernel.flatMap(KernelIdentity::vmcoreinfo);
        Optional<KernelText> text = "x86_64".equals(target.arch()) ? kernel.flatMap(ElfPlan::kernelText)
                : Optional.empty();
        long pageSize = target.pageSize();
        long[] counts = new long[2]; // runs, runs crossing the kernel image
        long[] run = {-2, -2}; // first and last PFN of the current run
        try {
            image.visitPfns((pfn, zero) -> {
                if (pfn != run[1] + 1) {
                    if (run[0] >= 0) {
                        counts[1] += crossings(text, run[0], run[1], pageSize);
                    }
                    counts[0]++;
                    run[0] = pfn;
                }
                run[1] = pfn;
            });
        } catch (ImageFormatException e) {
            // damaged metadata: the export stops at the same entry, so the runs before it are the plan
        }
        if (run[0] >= 0) {
            counts[1] += crossings(text, run[0], run[1], pageSize);
        }
        return new ElfPlan(counts[0], vmcoreinfo.map(v -> v.elfNote(target)).orElse(new byte[0]), text, counts[1]);
    }

    private static long crossings(Optional<KernelText> text, long first, long last, long pageSize) {
        return text.isPresent() && text.get().crosses(first * pageSize, (last + 1) * pageSize) ? 1 : 0;
    }

    /** From {@code SYMBOL(_stext)}, the highest symbol inside the text mapping and {@code phys_base}. */
    private static Optional<KernelText> kernelText(KernelIdentity k) {
        Optional<VmcoreInfo> v = k.vmcoreinfo();
        OptionalLong stext = v.map(n -> n.symbol("_stext")).orElse(OptionalLong.empty());
        OptionalLong physBase = k.physBase();
        if (stext.isEmpty() || physBase.isEmpty()) {
            return Optional.empty();
        }
        long size = v.get().numberOf("KERNEL_IMAGE_SIZE").orElse(1L << 30);
        long top = v.get().symbols().filter(a -> Long.compareUnsigned(a, START_KERNEL_MAP) >= 0
                && Long.compareUnsigned(a - START_KERNEL_MAP, size) < 0).max().orElse(stext.getAsLong());
        long vStart = stext.getAsLong() & -HUGE;
        long vEnd = ((top & -HUGE) + HUGE);
        if (Long.compareUnsigned(vStart, START_KERNEL_MAP) < 0) {
            return Optional.empty();
        }
        return Optional.of(new KernelText(vStart - START_KERNEL_MAP + physBase.getAsLong(),
                vEnd - START_KERNEL_MAP + physBase.getAsLong(), physBase.getAsLong()));
    }
}
