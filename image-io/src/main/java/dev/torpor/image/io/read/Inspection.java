package dev.torpor.image.io.read;

import dev.torpor.image.io.Problem;

import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.swap.format.SwapHeader;
import dev.torpor.swap.format.SwsuspHeader;

import java.util.List;
import java.util.Optional;

/**
 * Everything Torpor learned about a source: the swap header, the signature fields, how the target was
 * detected, the map, the image header page and (unless quick) the stream, with every problem found.
 *
 * @param source            name of the source as given
 * @param swap              the mkswap header, if a swap signature (or a hibernation signature) was found
 * @param kind              kernel image, foreign image, or none
 * @param signature         the signature found at the end of the first page (printable), if any
 * @param originalSignature the swap magic the image replaced ({@code orig_sig}), for kernel images
 * @param header            the hibernation fields of the swap header page, for kernel images
 * @param detection         target, layout and compressor, when they could be decided
 * @param map               the swap-map walk, when the map could be reached
 * @param info              the image header page, when it could be read
 * @param scan              the stream, when it was read (not with {@code quick})
 * @param problems          everything wrong or notable, in the order found
 * @param slotsOutside      the area's pages outside the image that hold data, when every page was asked to be read
 */
public record Inspection(String source, Optional<SwapHeader> swap, ImageKind kind, Optional<String> signature,
                         Optional<String> originalSignature, Optional<SwsuspHeader> header,
                         Optional<Detection> detection, Optional<MapSummary> map, Optional<SnapshotInfo> info,
                         Optional<StreamScan> scan, List<Problem> problems, Optional<SlotsOutside> slotsOutside) {

    public Inspection {
        problems = List.copyOf(problems);
    }

    /** The verdict: no image, foreign image, Torpor's encrypted kind, corrupt (any error), or valid. */
    public Verdict verdict() {
        switch (kind) {
            case NONE: return Verdict.NO_IMAGE;
            case FOREIGN: return Verdict.FOREIGN_IMAGE;
            case TORPOR: return Verdict.ENCRYPTED;
            default:
                boolean error = problems.stream().anyMatch(p -> p.severity() == Problem.Severity.ERROR);
                return error ? Verdict.CORRUPT : Verdict.VALID;
        }
    }

    /**
     * Which kernel wrote the image: VMCOREINFO from the saved pages (a full inspection only), the header page's
     * {@code utsname}, x86_64's restore record; empty when none of them is there.
     */
    public Optional<KernelIdentity> kernel() {
        return KernelIdentity.of(info, scan);
    }

    /** Whether the stored CRC matches the computed one; empty when the image has no CRC or it was not computed. */
    public Optional<Boolean> crc32Ok() {
        if (header.isEmpty() || scan.isEmpty() || !header.get().flags().crc32()) {
            return Optional.empty();
        }
        return Optional.of(scan.get().complete() && header.get().crc32() == scan.get().crc32Computed());
    }
}
