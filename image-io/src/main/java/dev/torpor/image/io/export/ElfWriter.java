package dev.torpor.image.io.export;

import dev.torpor.image.io.read.PhysicalPage;
import dev.torpor.snapshot.api.TargetProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An ELF64 core file ({@code ET_CORE}) in the target's byte order: the runs' bytes from the first page
 * boundary on, then one {@code PT_LOAD} program header per run (physical address in {@code p_paddr}, the same
 * value in {@code p_vaddr}), then the ELF header is written at offset 0. Since the number of runs is known
 * only at the end, the program headers follow the data; more than 65534 of them use the {@code PN_XNUM}
 * extension (the count in section header 0's {@code sh_info}).
 */
final class ElfWriter implements MemoryWriter {
    static final int EHDR_SIZE = 64;
    static final int PHDR_SIZE = 56;
    static final int SHDR_SIZE = 64;
    private static final int PN_XNUM = 0xffff;

    private final FileChannel out;
    private final TargetProfile target;
    private final ByteBuffer zero;
    private final Path phdrSpool;
    private final FileChannel phdrs;
    private long phdrCount;
    private long pos;
    private long runStart;
    private long runOffset;

    ElfWriter(FileChannel out, TargetProfile target) {
        this.out = out;
        this.target = target;
        this.zero = ByteBuffer.allocate(target.pageSize());
        this.pos = target.pageSize();
        try {
            // program headers are spooled to a temporary file: their number is not bounded by memory
            this.phdrSpool = Files.createTempFile("torpor-phdrs", ".bin");
            this.phdrs = FileChannel.open(phdrSpool, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        ByteBuffer p = ByteBuffer.allocate(PHDR_SIZE).order(target.byteOrder().nio());
        p.putInt(1) // PT_LOAD
                .putInt(7) // PF_R | PF_W | PF_X
                .putLong(runOffset).putLong(addr).putLong(addr).putLong(size).putLong(size)
                .putLong(target.pageSize());
        MemoryWriter.writeFully(phdrs, p.flip(), phdrCount * PHDR_SIZE);
        phdrCount++;
    }

    @Override
    public void finish() throws IOException {
        try {
            long phoff = pos;
            long copied = 0;
            long total = phdrCount * PHDR_SIZE;
            while (copied < total) {
                copied += phdrs.transferTo(copied, total - copied, out.position(phoff + copied));
            }
            long shoff = 0;
            if (phdrCount >= PN_XNUM) {
                shoff = phoff + total;
                ByteBuffer sh = ByteBuffer.allocate(SHDR_SIZE).order(target.byteOrder().nio());
                sh.position(44);
                sh.putInt((int) phdrCount); // sh_info carries the real program header count
                sh.clear();
                MemoryWriter.writeFully(out, sh, shoff);
            }
            MemoryWriter.writeFully(out, header(phoff, shoff), 0);
        } finally {
            phdrs.close();
            Files.deleteIfExists(phdrSpool);
        }
    }

    private ByteBuffer header(long phoff, long shoff) {
        ByteBuffer h = ByteBuffer.allocate(EHDR_SIZE).order(target.byteOrder().nio());
        h.put(new byte[] {0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */,
                (byte) (target.byteOrder() == dev.torpor.snapshot.api.KernelByteOrder.LITTLE ? 1 : 2), 1 /* EV_CURRENT */,
                0, 0, 0, 0, 0, 0, 0, 0, 0});
        h.putShort((short) 4); // ET_CORE
        h.putShort((short) machine(target.arch()));
        h.putInt(1); // e_version
        h.putLong(0); // e_entry
        h.putLong(phoff);
        h.putLong(shoff);
        h.putInt(0); // e_flags
        h.putShort((short) EHDR_SIZE);
        h.putShort((short) PHDR_SIZE);
        h.putShort((short) Math.min(phdrCount, PN_XNUM));
        h.putShort((short) (shoff != 0 ? SHDR_SIZE : 0));
        h.putShort((short) (shoff != 0 ? 1 : 0));
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
