package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/** Reads MBR (with its extended-partition chain) and GPT partition tables. */
public final class PartitionTables {
    /** More logical partitions than this in one extended partition is a loop or garbage. */
    static final int MAX_LOGICAL = 256;
    /** GPT entry arrays larger than this are refused (the usual array has 128 entries of 128 bytes). */
    static final int MAX_GPT_ARRAY = 1 << 20;
    private static final byte[] GPT_MAGIC = "EFI PART".getBytes(StandardCharsets.US_ASCII);
    private static final Map<String, String> GPT_TYPES = Map.of(
            "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap",
            "0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem",
            "E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM",
            "CA7D7CCB-63ED-4C53-861C-1742536059CC", "Linux LUKS",
            "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System",
            "21686148-6449-6E6F-744E-656564454649", "BIOS boot",
            "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data",
            "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)",
            "933AC7E1-2EB4-4F13-B844-0E14E2AEF915", "Linux home");
    private static final Map<Integer, String> MBR_TYPES = Map.of(
            0x82, "Linux swap", 0x83, "Linux", 0x8e, "Linux LVM", 0x05, "Extended", 0x0f, "W95 Extended (LBA)",
            0x85, "Linux extended", 0x07, "HPFS/NTFS/exFAT", 0x0c, "W95 FAT32 (LBA)", 0xef, "EFI (FAT-12/16/32)",
            0xee, "GPT protective");

    private PartitionTables() {
    }

    /** The disk's table, or empty when sector 0 holds no MBR (and so no GPT's protective MBR either). */
    public static Optional<PartitionTable> read(FileChannel disk, long size) throws IOException {
        ByteBuffer mbr = Reads.at(disk, 0, 512);
        if (mbr.limit() < 512 || (mbr.get(510) & 0xff) != 0x55 || (mbr.get(511) & 0xff) != 0xaa) {
            return Optional.empty();
        }
        boolean protective = false;
        for (int i = 0; i < 4; i++) {
            int status = mbr.get(446 + 16 * i) & 0xff;
            if (status != 0 && status != 0x80) {
                return Optional.empty(); // a boot sector of some file system, not a partition table
            }
            protective |= (mbr.get(446 + 16 * i + 4) & 0xff) == 0xee;
        }
        if (protective) {
            for (int sector : new int[] {512, 4096}) {
                ByteBuffer header = Reads.at(disk, sector, 512);
                if (Reads.matches(header, 0, GPT_MAGIC)) {
                    if (header.limit() < 92) {
                        List<Problem> cut = List.of(Problem.error(sector + header.limit(),
                                "the disk ends inside the GPT header"));
                        return Optional.of(new PartitionTable("gpt", sector, Optional.empty(), List.of(), cut));
                    }
                    return Optional.of(gpt(disk, size, sector, header));
                }
            }
            List<Problem> problems = new ArrayList<>();
            problems.add(Problem.error(512, "a protective MBR but no 'EFI PART' GPT header at byte 512 or 4096"));
            return Optional.of(new PartitionTable("gpt", 512, Optional.empty(), List.of(), problems));
        }
        return Optional.of(mbr(disk, size, mbr));
    }

    private static PartitionTable mbr(FileChannel disk, long size, ByteBuffer sector0) throws IOException {
        List<Partition> parts = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int logical = 5;
        for (int i = 0; i < 4; i++) {
            int at = 446 + 16 * i;
            int type = sector0.get(at + 4) & 0xff;
            long start = Integer.toUnsignedLong(sector0.getInt(at + 8));
            long count = Integer.toUnsignedLong(sector0.getInt(at + 12));
            if (type == 0 || count == 0) {
                continue;
            }
            if (!inside(start * 512, count * 512, size, at, "partition " + (i + 1), problems)) {
                continue;
            }
            if (type == 0x05 || type == 0x0f || type == 0x85) {
                logical = logicals(disk, size, start, count, logical, parts, problems);
                continue;
            }
            parts.add(new Partition(i + 1, start * 512, clamp(start * 512, count * 512, size), mbrType(type),
                    Optional.empty(), Optional.empty()));
        }
        parts.sort(java.util.Comparator.comparingInt(Partition::number));
        String id = String.format(Locale.ROOT, "0x%08x", sector0.getInt(440));
        return new PartitionTable("mbr", 512, Optional.of(id), parts, problems);
    }

    /** Follows the chain of extended boot records; returns the next logical partition number. */
    private static int logicals(FileChannel disk, long size, long extStart, long extCount, int number,
                                List<Partition> parts, List<Problem> problems) throws IOException {
        Set<Long> seen = new HashSet<>();
        long ebr = extStart;
        while (true) {
            long at = ebr * 512;
            if (!seen.add(ebr)) {
                problems.add(Problem.error(at, "the extended partition's chain loops back to sector " + ebr));
                return number;
            }
            if (seen.size() > MAX_LOGICAL) {
                problems.add(Problem.error(at, "more than " + MAX_LOGICAL + " logical partitions; the rest is ignored"));
                return number;
            }
            ByteBuffer b = Reads.at(disk, at, 512);
            if (b.limit() < 512 || (b.get(510) & 0xff) != 0x55 || (b.get(511) & 0xff) != 0xaa) {
                problems.add(Problem.error(at + 510, "no extended boot record signature 0x55aa at sector " + ebr));
                return number;
            }
            int type = b.get(446 + 4) & 0xff;
            long start = Integer.toUnsignedLong(b.getInt(446 + 8));
            long count = Integer.toUnsignedLong(b.getInt(446 + 12));
            if (type != 0 && count != 0) {
                long first = ebr + start;
                if (first + count > extStart + extCount) {
                    problems.add(Problem.error(at + 446, "logical partition " + number + " ends past its extended "
                            + "partition (sectors " + first + "+" + count + ")"));
                } else if (inside(first * 512, count * 512, size, at + 446, "partition " + number, problems)) {
                    parts.add(new Partition(number, first * 512, clamp(first * 512, count * 512, size),
                            mbrType(type), Optional.empty(), Optional.empty()));
                }
                number++;
            }
            int nextType = b.get(446 + 16 + 4) & 0xff;
            long next = Integer.toUnsignedLong(b.getInt(446 + 16 + 8));
            if (nextType == 0 || next == 0) {
                return number;
            }
            ebr = extStart + next;
        }
    }

    private static PartitionTable gpt(FileChannel disk, long size, int sector, ByteBuffer h) throws IOException {
        List<Problem> problems = new ArrayList<>();
        List<Partition> parts = new ArrayList<>();
        int headerSize = h.getInt(12);
        if (headerSize >= 92 && headerSize <= 512) {
            CRC32 crc = new CRC32();
            ByteBuffer copy = ByteBuffer.allocate(headerSize);
            copy.put(h.duplicate().limit(headerSize)).putInt(16, 0).flip();
            crc.update(copy);
            if ((int) crc.getValue() != h.getInt(16)) {
                problems.add(Problem.warning(sector + 16L, "the GPT header's CRC32 does not match its bytes"));
            }
        } else {
            problems.add(Problem.error(sector + 12L, "GPT header size " + Integer.toUnsignedString(headerSize)
                    + " is not in [92, 512]"));
        }
        String diskGuid = guid(h, 56);
        long entriesLba = h.getLong(72);
        long count = Integer.toUnsignedLong(h.getInt(80));
        long entrySize = Integer.toUnsignedLong(h.getInt(84));
        if (entrySize < 128 || entrySize % 8 != 0 || entrySize > MAX_GPT_ARRAY || count > MAX_GPT_ARRAY / entrySize) {
            problems.add(Problem.error(sector + 80L, "GPT entry array of " + count + " entries of " + entrySize
                    + " bytes is not plausible (entries of at least 128 bytes, a multiple of 8, at most "
                    + MAX_GPT_ARRAY + " bytes in all)"));
            return new PartitionTable("gpt", sector, Optional.of(diskGuid), parts, problems);
        }
        if (entriesLba < 2 || entriesLba > Long.MAX_VALUE / sector) {
            problems.add(Problem.error(sector + 72L, "GPT entry array at LBA " + entriesLba + " is not on the disk"));
            return new PartitionTable("gpt", sector, Optional.of(diskGuid), parts, problems);
        }
        long arrayAt = entriesLba * sector;
        ByteBuffer array = Reads.at(disk, arrayAt, (int) (count * entrySize));
        if (array.limit() < count * entrySize) {
            problems.add(Problem.error(arrayAt, "the disk ends inside the GPT entry array"));
        }
        CRC32 crc = new CRC32();
        crc.update(array.duplicate());
        if (array.limit() == count * entrySize && (int) crc.getValue() != h.getInt(88)) {
            problems.add(Problem.warning(sector + 88L, "the GPT entry array's CRC32 does not match its bytes"));
        }
        for (int i = 0; (long) (i + 1) * entrySize <= array.limit(); i++) {
            int at = (int) (i * entrySize);
            String type = guid(array, at);
            if (type.equals("00000000-0000-0000-0000-000000000000")) {
                continue;
            }
            long first = array.getLong(at + 32);
            long last = array.getLong(at + 40);
            long entryAt = arrayAt + at;
            if (first < 0 || last < first || last >= Long.MAX_VALUE / sector) {
                problems.add(Problem.error(entryAt + 32, "GPT entry " + (i + 1) + " has LBAs " + first + ".." + last));
                continue;
            }
            long offset = first * sector;
            long length = (last - first + 1) * sector;
            if (!inside(offset, length, size, entryAt + 32, "partition " + (i + 1), problems)) {
                continue;
            }
            String name = new String(array.array(), array.arrayOffset() + at + 56, 72, StandardCharsets.UTF_16LE);
            int nul = name.indexOf('\0');
            name = (nul < 0 ? name : name.substring(0, nul)).strip();
            parts.add(new Partition(i + 1, offset, clamp(offset, length, size), type
                    + Optional.ofNullable(GPT_TYPES.get(type)).map(n -> " (" + n + ")").orElse(""),
                    name.isEmpty() ? Optional.empty() : Optional.of(Reads.printable(name, 72)),
                    Optional.of(guid(array, at + 16).toLowerCase(Locale.ROOT))));
        }
        return new PartitionTable("gpt", sector, Optional.of(diskGuid), parts, problems);
    }

    /** Whether the entry starts on the disk; one that runs past its end is reported (and clamped by its caller). */
    private static boolean inside(long offset, long length, long size, long where, String what,
                                  List<Problem> problems) {
        if (size >= 0 && offset >= size) {
            problems.add(Problem.error(where, what + " (bytes " + offset + "+" + length + ") starts past the "
                    + "disk's " + size + " bytes"));
            return false;
        }
        if (size >= 0 && length > size - offset) {
            problems.add(Problem.warning(where, what + " (bytes " + offset + "+" + length + ") ends past the disk's "
                    + size + " bytes (a truncated copy?); what the disk holds of it is read"));
        }
        return true;
    }

    private static long clamp(long offset, long length, long size) {
        return size >= 0 ? Math.min(length, size - offset) : length;
    }

    private static String mbrType(int type) {
        return String.format(Locale.ROOT, "0x%02x", type)
                + Optional.ofNullable(MBR_TYPES.get(type)).map(n -> " (" + n + ")").orElse("");
    }

    /** A GUID in its mixed-endian on-disk form, as text. */
    static String guid(ByteBuffer b, int at) {
        return String.format(Locale.ROOT, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                b.getInt(at), b.getShort(at + 4), b.getShort(at + 6), b.get(at + 8), b.get(at + 9), b.get(at + 10),
                b.get(at + 11), b.get(at + 12), b.get(at + 13), b.get(at + 14), b.get(at + 15));
    }
}
