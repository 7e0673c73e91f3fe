package dev.torpor.image.io.disk;

import java.util.Optional;

/**
 * One entry of a partition table.
 *
 * @param number the kernel's partition number (MBR: 1–4 primary, 5 and up logical; GPT: entry index + 1)
 * @param offset first byte on the disk
 * @param size   bytes
 * @param type   the type as the table gives it (GPT type GUID, MBR type byte in hex) with its common name
 * @param name   the GPT partition name, if any
 * @param guid   the GPT unique partition GUID (what {@code PARTUUID=} names)
 */
public record Partition(int number, long offset, long size, String type, Optional<String> name, Optional<String> guid) {
}
