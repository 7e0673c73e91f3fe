package dev.torpor.image.io.export;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Test-side reader of exported dumps: maps a physical address to a file offset, independently of the writers. */
final class DumpReader {
    record Range(long phys, long size, long fileOffset) {
    }

    private DumpReader() {
    }

    static List<Range> ranges(Path dump, ExportFormat format) throws IOException {
        List<Range> ranges = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(dump, StandardOpenOption.READ)) {
            switch (format) {
                case RAW:
                    ranges.add(new Range(0, ch.size(), 0));
                    break;
                case LIME: {
                    long pos = 0;
                    while (pos < ch.size()) {
                        ByteBuffer h = read(ch, pos, 32).order(ByteOrder.LITTLE_ENDIAN);
                        if (h.getInt(0) != 0x4C694D45 || h.getInt(4) != 1) {
                            throw new IOException("bad LiME header at " + pos);
                        }
                        long s = h.getLong(8);
                        long e = h.getLong(16);
                        ranges.add(new Range(s, e - s + 1, pos + 32));
                        pos += 32 + (e - s + 1);
                    }
                    break;
                }
                default: {
                    ByteBuffer eh = read(ch, 0, 64).order(ByteOrder.LITTLE_ENDIAN);
                    long phoff = eh.getLong(32);
                    int phnum = Short.toUnsignedInt(eh.getShort(56));
                    for (int i = 0; i < phnum; i++) {
                        ByteBuffer ph = read(ch, phoff + 56L * i, 56).order(ByteOrder.LITTLE_ENDIAN);
                        // the RAM segments (no virtual address); the kernel image's second view is checked apart
                        if (ph.getInt(0) == 1 && ph.getLong(16) == 0) {
                            ranges.add(new Range(ph.getLong(24), ph.getLong(32), ph.getLong(8)));
                        }
                    }
                }
            }
        }
        return ranges;
    }

    static OptionalLong fileOffset(List<Range> ranges, long phys) {
        for (Range r : ranges) {
            if (phys >= r.phys() && phys < r.phys() + r.size()) {
                return OptionalLong.of(r.fileOffset() + (phys - r.phys()));
            }
        }
        return OptionalLong.empty();
    }

    static ByteBuffer read(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new IOException("short read at " + pos);
            }
        }
        return b.flip();
    }

    /** Whether {@code text} occurs anywhere in the file (streamed in 1 MiB windows with overlap). */
    static boolean contains(Path file, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.ISO_8859_1);
        int window = 1 << 20;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            byte[] buf = new byte[window + needle.length];
            for (long pos = 0; pos < size; pos += window) {
                int len = (int) Math.min(buf.length, size - pos);
                ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
                while (b.hasRemaining() && ch.read(b, pos + b.position()) >= 0) {
                    // fill
                }
                if (indexOf(buf, len, needle) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int indexOf(byte[] hay, int len, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= len; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
