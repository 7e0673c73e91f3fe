package dev.torpor.image.io.export;

/**
 * What an export wrote.
 *
 * @param format    the output format
 * @param pages     pages placed (data and zero pages)
 * @param zeroPages of which flagged zero by the kernel
 * @param runs      contiguous PFN runs
 * @param bytes     size of the output file
 * @param pfnMin    lowest PFN placed (-1 if none)
 * @param pfnMax    highest PFN placed (-1 if none)
 */
public record ExportResult(ExportFormat format, long pages, long zeroPages, long runs, long bytes, long pfnMin,
                           long pfnMax) {
}
