package dev.torpor.image.io.read;

import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.Utsname;
import dev.torpor.snapshot.api.X86RestoreRecord;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Which kernel wrote an image, from what the image itself holds: the VMCOREINFO note among the saved pages (preferred:
 * it names the release and the build ID), the header page's {@code utsname} where the layout has one, and x86_64's
 * restore record, from which {@code phys_base} follows and against which the note is cross-checked.
 *
 * @param vmcoreinfo the note, where a saved page holds one
 * @param uts        the header page's {@code utsname} (layouts without an architecture record)
 * @param record     x86's restore record with its physical jump address, where the header page has one
 */
public record KernelIdentity(Optional<VmcoreInfo> vmcoreinfo, Optional<Utsname> uts,
                             Optional<X86RestoreRecord> record) {
    /** Where x86_64 links the kernel's text mapping ({@code __START_KERNEL_map}). */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;

    /** From an inspection's header page and stream scan; empty when neither says anything about the kernel. */
    static Optional<KernelIdentity> of(Optional<SnapshotInfo> info, Optional<StreamScan> scan) {
        Optional<VmcoreInfo> note = scan.flatMap(StreamScan::vmcoreinfo);
        Optional<Utsname> uts = info.flatMap(SnapshotInfo::uts);
        Optional<X86RestoreRecord> record = info.map(SnapshotInfo::archRecord)
                .filter(X86RestoreRecord.class::isInstance).map(X86RestoreRecord.class::cast)
                .filter(r -> r.jumpAddressPhys().isPresent() && r.variant().wordSize() == 8);
        if (note.isEmpty() && uts.isEmpty() && record.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new KernelIdentity(note, uts, record));
    }

    /** The release: VMCOREINFO's {@code OSRELEASE}, else the header page's {@code utsname}. */
    public Optional<String> release() {
        return vmcoreinfo.flatMap(VmcoreInfo::release).or(() -> uts.map(Utsname::release));
    }

    public Optional<String> buildId() {
        return vmcoreinfo.flatMap(VmcoreInfo::buildId);
    }

    public OptionalInt pageSize() {
        return vmcoreinfo.map(VmcoreInfo::pageSize).orElse(OptionalInt.empty());
    }

    /** The KASLR offset of the kernel's text (x86 and arm64), from VMCOREINFO. */
    public OptionalLong kernelOffset() {
        return vmcoreinfo.map(VmcoreInfo::kernelOffset).orElse(OptionalLong.empty());
    }

    /** x86_64's {@code phys_base}: from VMCOREINFO, else from the restore record. */
    public OptionalLong physBase() {
        OptionalLong note = vmcoreinfo.map(VmcoreInfo::physBase).orElse(OptionalLong.empty());
        return note.isPresent() ? note : recordPhysBase();
    }

    /**
     * x86_64's {@code phys_base} from the restore record: the physical and the virtual address of
     * {@code restore_registers} differ by it and the text mapping's base.
     */
    public OptionalLong recordPhysBase() {
        return record.map(r -> OptionalLong.of(r.jumpAddressPhys().orElseThrow() - r.jumpAddress() + START_KERNEL_MAP))
                .orElse(OptionalLong.empty());
    }

    /**
     * The link-time address of {@code restore_registers} (the record's jump address less the KASLR offset), to
     * compare with the kernel's {@code System.map}.
     */
    public OptionalLong restoreRegistersLinked() {
        OptionalLong offset = kernelOffset();
        return record.isPresent() && offset.isPresent()
                ? OptionalLong.of(record.get().jumpAddress() - offset.getAsLong()) : OptionalLong.empty();
    }

    /** Whether the restore record's {@code phys_base} is VMCOREINFO's; empty when one of them is missing. */
    public Optional<Boolean> recordAgrees() {
        OptionalLong note = vmcoreinfo.map(VmcoreInfo::physBase).orElse(OptionalLong.empty());
        OptionalLong rec = recordPhysBase();
        return note.isPresent() && rec.isPresent() ? Optional.of(note.getAsLong() == rec.getAsLong())
                : Optional.empty();
    }
}
