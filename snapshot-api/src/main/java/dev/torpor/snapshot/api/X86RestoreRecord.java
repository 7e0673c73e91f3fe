package dev.torpor.snapshot.api;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * x86's {@code struct restore_data_record} ({@code arch/x86/power/hibernate.c}) in each of the
 * variants the kernel used, told apart by its magic value.
 *
 * @param variant         which layout was found
 * @param jumpAddress     virtual address of the image kernel's restore code
 * @param jumpAddressPhys its physical address (absent in the oldest layout)
 * @param cr3             page-table root of the image kernel
 * @param magic           the restore magic (identifies the variant)
 * @param e820Checksum    CRC-32 of the firmware memory map (crc32 variants only)
 * @param e820Digest      MD5 of the firmware memory map (md5 variants only, may be all zero)
 */
public record X86RestoreRecord(Variant variant, long jumpAddress, Optional<Long> jumpAddressPhys, long cr3, long magic,
                               Optional<Long> e820Checksum, Optional<byte[]> e820Digest) implements ArchRecord {

    /** The layouts of {@code restore_data_record}. */
    public enum Variant {
        /** x86_64 since 5.13 (and 5.10-stable): five 8-byte words, CRC-32 of the e820 map. */
        X86_64_CRC32("x86_64", 8, 24, 0x23456789ABCDEF02L),
        /** x86_64 ≈4.7–5.12: four words, optionally followed by a 16-byte MD5 of the e820 map. */
        X86_64_MD5("x86_64", 8, 24, 0x23456789ABCDEF01L),
        /** x86_64 ≈2.6.26–4.6: jump address, cr3, magic. */
        X86_64_LEGACY("x86_64", 8, 16, 0x0123456789ABCDEFL),
        /** i386 since 5.13: five 4-byte words, CRC-32 of the e820 map. */
        I386_CRC32("i386", 4, 12, 0x12345679L),
        /** i386 ≈4.7–5.12: four words and an optional MD5 of the e820 map. */
        I386_MD5("i386", 4, 12, 0x12345678L);

        private final String arch;
        private final int wordSize;
        private final int magicOffset;
        private final long magic;

        Variant(String arch, int wordSize, int magicOffset, long magic) {
            this.arch = arch;
            this.wordSize = wordSize;
            this.magicOffset = magicOffset;
            this.magic = magic;
        }

        public int wordSize() {
            return wordSize;
        }

        public int magicOffset() {
            return magicOffset;
        }

        public long magic() {
            return magic;
        }
    }

    /**
     * Finds a restore record in {@code page} for the word size and byte order of {@code profile};
     * empty if no known magic is at its place.
     */
    public static Optional<X86RestoreRecord> find(ByteBuffer page, TargetProfile profile) {
        for (Variant v : Variant.values()) {
            if (v.wordSize == profile.wordSize() && profile.readWord(page, v.magicOffset) == v.magic) {
                return Optional.of(read(page, profile, v));
            }
        }
        return Optional.empty();
    }

    private static X86RestoreRecord read(ByteBuffer page, TargetProfile p, Variant v) {
        int w = v.wordSize;
        if (v == Variant.X86_64_LEGACY) {
            return new X86RestoreRecord(v, p.readWord(page, 0), Optional.empty(), p.readWord(page, w), v.magic,
                    Optional.empty(), Optional.empty());
        }
        long jump = p.readWord(page, 0);
        long jumpPhys = p.readWord(page, w);
        long cr3 = p.readWord(page, 2 * w);
        Optional<Long> checksum = Optional.empty();
        Optional<byte[]> digest = Optional.empty();
        if (v == Variant.X86_64_CRC32 || v == Variant.I386_CRC32) {
            checksum = Optional.of(p.readWord(page, 4 * w));
        } else {
            byte[] d = new byte[16];
            page.get(4 * w, d);
            digest = Optional.of(d);
        }
        return new X86RestoreRecord(v, jump, Optional.of(jumpPhys), cr3, v.magic, checksum, digest);
    }

    @Override
    public String arch() {
        return variant.arch;
    }

    @Override
    public String type() {
        return "x86 restore_data_record (" + variant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")";
    }

    @Override
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jumpAddress", unsigned(jumpAddress));
        jumpAddressPhys.ifPresent(v -> m.put("jumpAddressPhys", unsigned(v)));
        m.put("cr3", unsigned(cr3));
        m.put("magic", unsigned(magic));
        e820Checksum.ifPresent(v -> m.put("e820Checksum", unsigned(v)));
        e820Digest.ifPresent(d -> m.put("e820Digest", HexFormat.of().formatHex(d)));
        return m;
    }

    static Object unsigned(long v) {
        return v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
    }
}
