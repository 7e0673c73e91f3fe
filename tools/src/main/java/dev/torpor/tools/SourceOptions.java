package dev.torpor.tools;

import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.snapshot.api.KernelByteOrder;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The image source and the detection overrides shared by commands that read an image. */
final class SourceOptions {
    @Parameters(index = "0", paramLabel = "SOURCE",
            description = "Swap partition or block device, swap-area file, or disk image holding the swap area. "
                    + "A gzip-compressed file is inflated to a temporary sparse file first.")
    String source;

    @Option(names = "--resume-offset", paramLabel = "N", defaultValue = "0",
            description = "Page index of the swap header on the device (the kernel's resume_offset): needed when "
                    + "SOURCE is the device holding a swap file; map entries are device-relative. With --volume, "
                    + "counted from the volume's start. Default: ${DEFAULT-VALUE}.")
    long resumeOffset;

    @Option(names = "--volume", paramLabel = "NAME",
            description = "Read the volume of the disk SOURCE that torpor scan named: p2 (partition 2), vg/lv (an "
                    + "LVM2 logical volume), disk (a disk without a partition table). Default: SOURCE itself.")
    String volume;

    @Option(names = "--page-size", paramLabel = "N",
            description = "Kernel page size (4096, 16384, 65536, ...). Default: detected from where the signature is.")
    Integer pageSize;

    @Option(names = "--word-size", paramLabel = "4|8",
            description = "Width of the kernel's unsigned long and size_t. Default: detected from the header page.")
    Integer wordSize;

    @Option(names = "--byte-order", paramLabel = "little|big",
            description = "The kernel's byte order. Default: detected from the swap header's version field.")
    String byteOrder;

    @Option(names = "--arch", paramLabel = "NAME",
            description = "Architecture (x86_64, i386, arm64, riscv64, ...). Default: detected from the header page.")
    String arch;

    ReadOptions readOptions() {
        ReadOptions o = ReadOptions.defaults().withResumeOffset(resumeOffset);
        if (pageSize != null) {
            o = o.withPageSize(pageSize);
        }
        if (wordSize != null) {
            o = o.withWordSize(wordSize);
        }
        if (byteOrder != null) {
            o = o.withByteOrder(KernelByteOrder.parse(byteOrder));
        }
        if (arch != null) {
            o = o.withArch(arch);
        }
        return o;
    }
}
