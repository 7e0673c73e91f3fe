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
 * (from a full inspection), the number of runs, and (x86_64, arm64) the physical range of the kernel image with the
 * runs that cross it (from a pass over the metadata pages alone). Debuggers read the kernel's page tables through
 * those loads, at the kernel image's own virtual addresses.
 *
 * @param runs         contiguous runs of saved PFNs (zero pages included)
 * @param note         the VMCOREINFO note as an ELF note, empty where the image holds none
 * @param text         the kernel image's physical range and its mapping, x86_64 and arm64 with a full note only
 * @param textSegments the runs that cross {@code text}: one more {@code PT_LOAD} each
 */
record ElfPlan(long runs, byte[] note, Optional<KernelText> text, long textSegments) {
    private static final long START_KERNEL_MAP = KernelIdentity.START_KERNEL_MAP;
    /** x86_64 maps the kernel in 2 MiB pages. */
    private static final long HUGE = 2L << 20;

    /**
     * The kernel image's physical range and the offset that maps it to its virtual addresses.
     *
     * @param physStart     first byte (2 MiB aligned, at {@code _stext})
     * @param physEnd       the byte after the last (2 MiB aligned, past the highest symbol VMCOREINFO names there)
     * @param virtualOffset virtual = physical + this: {@code __START_KERNEL_map − phys_base} on x86_64,
     *                      {@code kimage_voffset} on arm64
     */
    record KernelText(long physStart, long physEnd, long virtualOffset) {
        long virtual(long physical) {
            return physical + virtualOffset;
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
        Optional<KernelText> text = kernel.flatMap(k -> kernelText(k, target.arch()));
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

    /**
     * From {@code SYMBOL(_stext)}, the highest symbol inside the kernel image's mapping, and the offset of that mapping:
     * {@code phys_base} on x86_64 (the text mapping at {@code __START_KERNEL_map}), {@code NUMBER(kimage_voffset)} on
     * arm64. Other architectures get no kernel-image loads.
     */
    private static Optional<KernelText> kernelText(KernelIdentity k, String arch) {
        Optional<VmcoreInfo> v = k.vmcoreinfo();
        OptionalLong stext = v.map(n -> n.symbol("_stext")).orElse(OptionalLong.empty());
        if (stext.isEmpty()) {
            return Optional.empty();
        }
        long base;
        long virtualOffset;
        if ("x86_64".equals(arch) && k.physBase().isPresent()) {
            base = START_KERNEL_MAP;
            virtualOffset = START_KERNEL_MAP - k.physBase().getAsLong();
        } else if ("arm64".equals(arch) && v.get().numberOf("kimage_voffset").isPresent()) {
            base = stext.getAsLong() & -HUGE;
            virtualOffset = v.get().numberOf("kimage_voffset").getAsLong();
        } else {
            return Optional.empty();
        }
        long size = v.get().numberOf("KERNEL_IMAGE_SIZE").orElse(1L << 30);
        long top = v.get().symbols().filter(a -> Long.compareUnsigned(a, base) >= 0
                && Long.compareUnsigned(a - base, size) < 0).max().orElse(stext.getAsLong());
        long vStart = stext.getAsLong() & -HUGE;
        long vEnd = ((top & -HUGE) + HUGE);
        if (Long.compareUnsigned(vStart, base) < 0) {
            return Optional.empty();
        }
        return Optional.of(new KernelText(vStart - virtualOffset, vEnd - virtualOffset, virtualOffset));
    }
}
