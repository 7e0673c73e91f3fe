package dev.torpor.snapshot.api;

import java.util.Map;

/**
 * The architecture-specific record that some architectures ({@code CONFIG_ARCH_HIBERNATION_HEADER})
 * store at the start of the image header page in place of the utsname and version code.
 */
public sealed interface ArchRecord
        permits X86RestoreRecord, Arm64HibernateHeader, RiscvHibernateHeader, ArchRecord.None {

    /** Torpor's architecture name implied by this record ({@code x86_64}, {@code i386}, ...). */
    String arch();

    /** A short name of the record layout, for reports. */
    String type();

    /** The record's fields by name, in layout order; 64-bit values are unsigned. */
    Map<String, Object> fields();

    /** No architecture record: the header page starts with the utsname (generic layout). */
    record None() implements ArchRecord {
        @Override
        public String arch() {
            return "unknown";
        }

        @Override
        public String type() {
            return "none";
        }

        @Override
        public Map<String, Object> fields() {
            return Map.of();
        }
    }
}
