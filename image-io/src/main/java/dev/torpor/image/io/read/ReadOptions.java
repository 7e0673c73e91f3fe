package dev.torpor.image.io.read;

import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.TargetProfile;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to read an image. By default everything is detected from the image; each override replaces one
 * detection, and the report says so.
 *
 * @param resumeOffset page index of the swap header on the device (the kernel's {@code resume_offset}); 0 for a
 *                     swap partition or a swap-area file
 * @param pageSize     kernel page size override
 * @param wordSize     {@code sizeof(unsigned long)} override (4 or 8)
 * @param byteOrder    byte order override
 * @param arch         architecture override (decides between records that look alike)
 */
public record ReadOptions(long resumeOffset, OptionalInt pageSize, OptionalInt wordSize,
                          Optional<KernelByteOrder> byteOrder, Optional<String> arch) {

    public ReadOptions {
        if (resumeOffset < 0) {
            throw new IllegalArgumentException("resume offset must not be negative: " + resumeOffset);
        }
        pageSize.ifPresent(p -> {
            if (!TargetProfile.isValidPageSize(p)) {
                throw new IllegalArgumentException("page size must be a power of two from 4096 to 65536, not " + p);
            }
        });
        wordSize.ifPresent(w -> {
            if (w != 4 && w != 8) {
                throw new IllegalArgumentException("word size must be 4 or 8, not " + w);
            }
        });
        Objects.requireNonNull(byteOrder, "byteOrder");
        Objects.requireNonNull(arch, "arch");
    }

    /** Detect everything; swap header at page 0. */
    public static ReadOptions defaults() {
        return new ReadOptions(0, OptionalInt.empty(), OptionalInt.empty(), Optional.empty(), Optional.empty());
    }

    public ReadOptions withResumeOffset(long offset) {
        return new ReadOptions(offset, pageSize, wordSize, byteOrder, arch);
    }

    public ReadOptions withPageSize(int size) {
        return new ReadOptions(resumeOffset, OptionalInt.of(size), wordSize, byteOrder, arch);
    }

    public ReadOptions withWordSize(int size) {
        return new ReadOptions(resumeOffset, pageSize, OptionalInt.of(size), byteOrder, arch);
    }

    public ReadOptions withByteOrder(KernelByteOrder order) {
        return new ReadOptions(resumeOffset, pageSize, wordSize, Optional.of(order), arch);
    }

    public ReadOptions withArch(String name) {
        return new ReadOptions(resumeOffset, pageSize, wordSize, byteOrder, Optional.of(name));
    }
}
