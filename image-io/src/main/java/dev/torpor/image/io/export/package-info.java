/**
 * Writing the physical memory held in an image to formats analysis tools read: a raw sparse dump
 * (page PFN at byte PFN × page size), LiME (one range header per contiguous PFN run, as Volatility 3 reads
 * it) and an ELF core file (one {@code PT_LOAD} per run, physical address in {@code p_paddr}).
 * {@link dev.torpor.image.io.export.MemoryExport} drives the iteration; the formats are the implementations of
 * the sealed {@link dev.torpor.image.io.export.MemoryWriter}.
 */
package dev.torpor.image.io.export;
