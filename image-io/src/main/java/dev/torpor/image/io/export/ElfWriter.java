package dev.torpor.image.io.export;

import dev.torpor.image.io.read.PhysicalPage;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.TargetProfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An ELF64 core file ({@code ET_CORE}) in the target's byte order, laid out as the kernel's kdump ({@code /proc/vmcore})
 * lays it out, so that crash, makedumpfile and drgn take it: the ELF header, then the program headers, then the
 * VMCOREINFO note, then the pages from the next page boundary on. Program header 0 is the {@code PT_NOTE}; on x86_64
 * a {@code PT_LOAD} with the kernel's text-mapping address in {@code p_vaddr} follows for each run that crosses the
 * kernel image (where drgn reads the kernel's own variables before it can walk page tables); then one {@code PT_LOAD}
 * per run of saved pages with the physical address in {@code p_paddr} and no virtual one ({@code p_vaddr} 0, as in
 * QEMU's dumps: the direct map's base is randomised and not in the image). {@code p_align} is 0 throughout. The
 * layout comes from an {@link ElfPlan}; more than 65534 program headers use {@code PN_XNUM} (the count in section
 * header 0's {@code sh_info}). If the image fails part-way, the header names only the runs written.
 */
final class ElfWriter implements MemoryWriter {
    static final int EHDR_SIZE = 64;
    static final int PHDR_SIZE = 56;
    static final int SHDR_SIZE = 64;
    private static final int PN_XNUM = 0xffff;
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;

    private final FileChannel out;
    private final TargetProfile target;
    private final ElfPlan plan;
    private final ByteBuffer zero;
    private final long phnum;
    private final long shoff;
    private long pos;
    private long runStart;
    private long runOffset;
    /** Runs and kernel-image segments whose program headers are written. */
    private long runsWritten;
    private long textWritten;

    ElfWriter(FileChannel out, TargetProfile target, ElfPlan plan) throws IOException {
        this.out = out;
        this.target = target;
        this.plan = plan;
        this.zero = ByteBuffer.allocate(target.pageSize());
        this.phnum = 1 + plan.textSegments() + plan.runs();
        long noteOffset = EHDR_SIZE + phnum * PHDR_SIZE;
        long end = noteOffset + plan.note().length;
        this.shoff = phnum >= PN_XNUM ? (end + 7) / 8 * 8 : 0;
        if (shoff != 0) {
            end = shoff + SHDR_SIZE;
        }
        this.pos = (end + target.pageSize() - 1) / target.pageSize() * target.pageSize();
        MemoryWriter.writeFully(out, phdr(PT_NOTE, 0, noteOffset, 0, 0, plan.note().length), EHDR_SIZE);
        MemoryWriter.writeFully(out, ByteBuffer.wrap(plan.note()), noteOffset);
    }

    @Override
    public void startRun(long pfn) {
        runStart = pfn;
        runOffset = pos;
    }

    @Override
    public void page(PhysicalPage page) throws IOException {
        MemoryWriter.writeFully(out, MemoryWriter.contents(page, zero), pos);
        pos += target.pageSize();
    }

    @Override
    public void endRun(long pages) throws IOException {
        long size = pages * target.pageSize();
        long addr = runStart * target.pageSize();
        if (runsWritten == plan.runs()) {
            // the first pass counted fewer runs in the same metadata: the source changed in between
            throw new dev.torpor.image.io.ImageFormatException(0, "the image changed while it was exported (its "
                    + "metadata now lists more runs of pages than a moment before): export a copy that is not in use");
        }
        MemoryWriter.writeFully(out, phdr(PT_LOAD, 7, runOffset, 0, addr, size),
                EHDR_SIZE + (1 + plan.textSegments() + runsWritten) * PHDR_SIZE);
        runsWritten++;
        if (plan.text().isPresent() && plan.text().get().crosses(addr, addr + size)
                && textWritten < plan.textSegments()) {
            ElfPlan.KernelText t = plan.text().get();
            long from = Math.max(addr, t.physStart());
            long to = Math.min(addr + size, t.physEnd());
            MemoryWriter.writeFully(out, phdr(PT_LOAD, 7, runOffset + (from - addr), t.virtual(from), from, to - from),
                    EHDR_SIZE + (1 + textWritten) * PHDR_SIZE);
            textWritten++;
        }
    }

    @Override
    public void finish() throws IOException {
        // after a failure part-way the runs not reached have no program header: the count ends at the last written,
        // with the kernel-image segments not reached left as PT_NULL entries
        long count = runsWritten == plan.runs() ? phnum : 1 + plan.textSegments() + runsWritten;
        if (count >= PN_XNUM) {
            ByteBuffer sh = ByteBuffer.allocate(SHDR_SIZE).order(target.byteOrder().nio());
            sh.putInt(44, (int) count); // sh_info carries the real program header count
            MemoryWriter.writeFully(out, sh, shoff);
        }
        MemoryWriter.writeFully(out, header(count >= PN_XNUM ? shoff : 0, count), 0);
    }

    private ByteBuffer phdr(int type, int flags, long offset, long vaddr, long paddr, long size) {
        ByteBuffer p = ByteBuffer.allocate(PHDR_SIZE).order(target.byteOrder().nio());
        p.putInt(type).putInt(flags).putLong(offset).putLong(vaddr).putLong(paddr).putLong(size).putLong(size)
                .putLong(0); // p_align 0, as kdump writes it
        return p.flip();
    }

    private ByteBuffer header(long sectionHeaders, long count) {
        ByteBuffer h = ByteBuffer.allocate(EHDR_SIZE).order(target.byteOrder().nio());
        h.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */,
                (byte) (target.byteOrder() == KernelByteOrder.LITTLE ? 1 : 2), 1 /* EV_CURRENT */,
                0, 0, 0, 0, 0, 0, 0, 0, 0});
        h.putShort((short) 4); // ET_CORE
        h.putShort((short) machine(target.arch()));
        h.putInt(1); // e_version
        h.putLong(0); // e_entry
        h.putLong(EHDR_SIZE); // e_phoff: right after this header
        h.putLong(sectionHeaders);
        h.putInt(0); // e_flags
        h.putShort((short) EHDR_SIZE);
        h.putShort((short) PHDR_SIZE);
        h.putShort((short) Math.min(count, PN_XNUM));
        h.putShort((short) (sectionHeaders != 0 ? SHDR_SIZE : 0));
        h.putShort((short) (sectionHeaders != 0 ? 1 : 0));
        h.putShort((short) 0); // e_shstrndx
        return h.flip();
    }

    /** ELF {@code e_machine} for an architecture name (0 = EM_NONE when unknown). */
    static int machine(String arch) {
        switch (arch) {
            case "x86_64": return 62;
            case "i386": return 3;
            case "arm64": return 183;
            case "arm": return 40;
            case "riscv64": case "riscv32": return 243;
            case "ppc64": case "ppc64le": return 21;
            case "ppc": return 20;
            case "s390x": case "s390": return 22;
            case "mips": case "mips64": return 8;
            case "sparc64": return 43;
            case "loongarch64": return 258;
            default: return 0;
        }
    }
}
