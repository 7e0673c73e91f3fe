package dev.torpor.snapshot.api;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * The image header page, the kernel's {@code struct swsusp_info}: the first page of every snapshot
 * stream. On generic architectures it starts with the {@link Utsname} and the version code; on
 * architectures with their own header ({@code CONFIG_ARCH_HIBERNATION_HEADER}) those first 394
 * bytes hold an {@link ArchRecord} instead and the version code reads 0.
 *
 * @param uts          the utsname, present on generic architectures
 * @param versionCode  {@code LINUX_VERSION_CODE} ((a&lt;&lt;16)+(b&lt;&lt;8)+c), 0 with an arch record
 * @param numPhysPages pages of RAM of the machine that wrote the image
 * @param cpus         online CPUs (filled by 2.6.16–2.6.2x only; 0 today)
 * @param imagePages   data pages in the stream ({@code nr_copy_pages})
 * @param pages        pages in the whole stream: data + metadata + this header page
 * @param size         {@code pages × PAGE_SIZE}
 * @param archRecord   the architecture record, or {@link ArchRecord.None}
 */
public record SnapshotInfo(Optional<Utsname> uts, long versionCode, long numPhysPages, long cpus, long imagePages,
                           long pages, long size, ArchRecord archRecord) {

    /** Bytes at the start of the page that an architecture record may use ({@code MAX_ARCH_HEADER_SIZE}). */
    public static final int MAX_ARCH_HEADER_SIZE = Utsname.SIZE + 4;

    public SnapshotInfo {
        Objects.requireNonNull(uts, "uts");
        Objects.requireNonNull(archRecord, "archRecord");
    }

    /** Byte offsets of the fields after the utsname, which depend on the width of {@code unsigned long}. */
    public record Layout(int versionCode, int numPhysPages, int cpus, int imagePages, int pages, int size, int end) {
        public static Layout forWordSize(int wordSize) {
            return wordSize == 8
                    ? new Layout(392, 400, 408, 416, 424, 432, 440)
                    : new Layout(392, 396, 400, 404, 408, 412, 416);
        }
    }

    /** Parses the header page for the given target; the architecture record is recognised by its content. */
    public static SnapshotInfo parse(ByteBuffer page, TargetProfile target) {
        Layout l = Layout.forWordSize(target.wordSize());
        ArchRecord record = detectArchRecord(page, target);
        Optional<Utsname> uts = Optional.empty();
        if (record instanceof ArchRecord.None && isUtsname(page)) {
            uts = Optional.of(Utsname.read(page, 0));
        }
        return new SnapshotInfo(uts, target.readU32(page, l.versionCode()), target.readWord(page, l.numPhysPages()),
                target.readU32(page, l.cpus()), target.readWord(page, l.imagePages()), target.readWord(page, l.pages()),
                target.readWord(page, l.size()), record);
    }

    /**
     * Whether the header fields are self-consistent for this target: at least one page,
     * {@code size == pages × PAGE_SIZE} and {@code image_pages < pages}. Used to detect the word size
     * and byte order of an image.
     */
    public static boolean plausible(ByteBuffer page, TargetProfile target) {
        Layout l = Layout.forWordSize(target.wordSize());
        long pages = target.readWord(page, l.pages());
        long imagePages = target.readWord(page, l.imagePages());
        long size = target.readWord(page, l.size());
        if (pages < 1 || Long.compareUnsigned(imagePages, pages) >= 0) {
            return false;
        }
        long expected = pages * target.pageSize();
        if (target.wordSize() == 4) {
            expected &= 0xFFFF_FFFFL;
        }
        return size == expected && pages / target.pageSize() < (1L << 40);
    }

    /** Whether the page starts with a utsname whose sysname is {@code Linux}. */
    public static boolean isUtsname(ByteBuffer page) {
        return "Linux".equals(Utsname.cString(page, 0, Utsname.FIELD_LENGTH));
    }

    private static ArchRecord detectArchRecord(ByteBuffer page, TargetProfile target) {
        Optional<X86RestoreRecord> x86 = X86RestoreRecord.find(page, target);
        if (x86.isPresent()) {
            return x86.get();
        }
        if (isUtsname(page) || !startsWithVersionString(page)) {
            return new ArchRecord.None();
        }
        String arch = target.arch();
        if (arch.startsWith("riscv")) {
            return RiscvHibernateHeader.read(page, target);
        }
        if (arch.equals("arm64") && target.wordSize() == 8) {
            return Arm64HibernateHeader.read(page, target);
        }
        RiscvHibernateHeader riscv = RiscvHibernateHeader.read(page, target);
        if (RiscvHibernateHeader.plausibleSatp(riscv.savedSatp(), target.wordSize())) {
            return riscv;
        }
        if (target.wordSize() == 8) {
            return Arm64HibernateHeader.read(page, target);
        }
        return new ArchRecord.None();
    }

    /** arm64 and riscv records start with the kernel's version string ("#1 SMP ..."), NUL-padded to 72 bytes. */
    private static boolean startsWithVersionString(ByteBuffer page) {
        String s = Utsname.cString(page, 0, Utsname.FIELD_LENGTH);
        if (s.isEmpty() || s.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            return false;
        }
        for (int i = s.length(); i < 72; i++) {
            if (page.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Metadata pages implied by the header: {@code pages − image_pages − 1}. */
    public long metaPages() {
        return pages - imagePages - 1;
    }

    /** Architecture implied by the header page, or {@code unknown}. */
    public String arch() {
        if (!(archRecord instanceof ArchRecord.None)) {
            return archRecord.arch();
        }
        return uts.map(u -> Utsname.archOfMachine(u.machine())).orElse("unknown");
    }

    /** The version code as {@code a.b.c}, or empty when the header carries none. */
    public Optional<String> kernelVersion() {
        return versionCode == 0 ? Optional.empty() : Optional.of(KernelVersion.format(versionCode));
    }
}
