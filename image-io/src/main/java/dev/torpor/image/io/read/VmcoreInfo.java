package dev.torpor.image.io.read;

import dev.torpor.snapshot.api.TargetProfile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The kernel's VMCOREINFO ELF note ({@code kernel/crash_core.c}), found among an image's saved pages: the kernel
 * builds it at boot in a page of its own, so every image of a kernel with {@code CONFIG_CRASH_CORE} holds it. It names
 * the kernel that wrote the image (release, build ID) and the facts a memory analyser needs (page size, KASLR offset,
 * {@code phys_base}).
 *
 * @param pfn     the page frame number of the note's first page
 * @param entries its {@code KEY=VALUE} lines, in order (the first of a repeated key)
 * @param text    the note's text as the kernel wrote it, without trailing NULs
 */
public record VmcoreInfo(long pfn, Map<String, String> entries, String text) {
    /** The note's name, with its terminating NUL. */
    private static final byte[] NAME = "VMCOREINFO\0".getBytes(StandardCharsets.US_ASCII);
    /** Bytes before the text: {@code n_namesz}, {@code n_descsz}, {@code n_type}, the name padded to 4 bytes. */
    static final int TEXT_OFFSET = 12 + 12;
    /** The kernel keeps the text in one page ({@code VMCOREINFO_BYTES}); more than 16 KiB is not a VMCOREINFO. */
    static final int MAX_TEXT = 16 * 1024;
    private static final int MAX_ENTRIES = 4096;

    public VmcoreInfo {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** {@code OSRELEASE}: the kernel's release, as {@code uname -r} printed it. */
    public Optional<String> release() {
        return Optional.ofNullable(entries.get("OSRELEASE"));
    }

    /** {@code BUILD-ID} (5.9+): the build ID of the kernel's {@code vmlinux}, as its debug file carries it. */
    public Optional<String> buildId() {
        return Optional.ofNullable(entries.get("BUILD-ID"));
    }

    /** {@code PAGESIZE}. */
    public OptionalInt pageSize() {
        try {
            return entries.containsKey("PAGESIZE") ? OptionalInt.of(Integer.parseInt(entries.get("PAGESIZE")))
                    : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** {@code KERNELOFFSET} (x86 and arm64): the KASLR offset of the kernel's text, hexadecimal in the note. */
    public OptionalLong kernelOffset() {
        return number("KERNELOFFSET", 16);
    }

    /** A {@code SYMBOL(name)}: the symbol's address in the running kernel, KASLR included. */
    public OptionalLong symbol(String name) {
        return number("SYMBOL(" + name + ")", 16);
    }

    /** Every {@code SYMBOL(...)} address the note gives. */
    public java.util.stream.LongStream symbols() {
        return entries.keySet().stream().filter(k -> k.startsWith("SYMBOL(") && k.endsWith(")"))
                .mapToLong(k -> number(k, 16).orElse(0)).filter(v -> v != 0);
    }

    /** {@code NUMBER(name)}: a signed decimal, or hex with {@code 0x} as arm64 writes some ({@code kimage_voffset}). */
    public OptionalLong numberOf(String name) {
        return number("NUMBER(" + name + ")", 10);
    }

    /** The note as it sits in an ELF core's {@code PT_NOTE}: header, name, text, each padded to 4 bytes. */
    public byte[] elfNote(dev.torpor.snapshot.api.TargetProfile target) {
        byte[] desc = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(TEXT_OFFSET + (desc.length + 3) / 4 * 4).order(target.byteOrder().nio());
        b.putInt(NAME.length).putInt(desc.length).putInt(0).put(NAME).position(TEXT_OFFSET);
        b.put(desc);
        return b.array();
    }

    /** {@code NUMBER(phys_base)} (x86_64): where the kernel was loaded against where it was linked, signed. */
    public OptionalLong physBase() {
        return number("NUMBER(phys_base)", 10);
    }

    private OptionalLong number(String key, int radix) {
        String v = entries.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            if (v.startsWith("0x") || v.startsWith("0X")) {
                return OptionalLong.of(Long.parseUnsignedLong(v.substring(2), 16));
            }
            return OptionalLong.of(radix == 16 ? Long.parseUnsignedLong(v, 16) : Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * How many bytes the note that starts at the beginning of {@code page} needs (header and text), if {@code page}
     * starts with a VMCOREINFO note header in the target's byte order; empty otherwise.
     */
    static OptionalInt noteLength(ByteBuffer page, TargetProfile target) {
        if (page.remaining() < TEXT_OFFSET || target.readU32(page, 0) != NAME.length || target.readU32(page, 8) != 0) {
            return OptionalInt.empty();
        }
        for (int i = 0; i < NAME.length; i++) {
            if (page.get(page.position() + 12 + i) != NAME[i]) {
                return OptionalInt.empty();
            }
        }
        long text = target.readU32(page, 4);
        if (text == 0 || text > MAX_TEXT) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(TEXT_OFFSET + (int) text);
    }

    /**
     * Parses a whole note ({@link #noteLength} bytes from its header on) found at {@code pfn}; empty where its text
     * is not lines of printable {@code KEY=VALUE} pairs with a release among them.
     */
    static Optional<VmcoreInfo> parse(long pfn, byte[] note, int length) {
        int end = length;
        while (end > TEXT_OFFSET && note[end - 1] == 0) {
            end--; // the descriptor may be padded with NULs
        }
        Map<String, String> entries = new LinkedHashMap<>();
        int start = TEXT_OFFSET;
        while (start < end && entries.size() < MAX_ENTRIES) {
            int nl = start;
            while (nl < end && note[nl] != '\n') {
                if (note[nl] < 0x20 || note[nl] > 0x7e) {
                    return Optional.empty();
                }
                nl++;
            }
            String line = new String(note, start, nl - start, StandardCharsets.US_ASCII);
            int eq = line.indexOf('=');
            if (eq > 0) {
                entries.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
            } else if (!line.isEmpty()) {
                return Optional.empty();
            }
            start = nl + 1;
        }
        return entries.containsKey("OSRELEASE") ? Optional.of(new VmcoreInfo(pfn, entries,
                new String(note, TEXT_OFFSET, end - TEXT_OFFSET, StandardCharsets.US_ASCII))) : Optional.empty();
    }
}
