package dev.torpor.image.io.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** Positional reads that stop at the end of the source instead of failing. */
final class Reads {
    private Reads() {
    }

    /** Up to {@code length} bytes at {@code offset}, little-endian, flipped (fewer at the end of the source). */
    static ByteBuffer at(FileChannel ch, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long pos = offset;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n <= 0) {
                break;
            }
            pos += n;
        }
        return b.flip();
    }

    static boolean matches(ByteBuffer b, int at, byte[] magic) {
        if (at < 0 || at + magic.length > b.limit()) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (b.get(at + i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} with control characters as {@code ?} and at most {@code max} characters: safe to print. */
    static String printable(String s, int max) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(max).forEach(c -> b.appendCodePoint(Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT ? '?' : c));
        return b.toString();
    }

    /** Printable ASCII of {@code b[at, at + length)} up to the first NUL, or "" past the end. */
    static String ascii(ByteBuffer b, int at, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = at; i < at + length && i < b.limit(); i++) {
            int c = b.get(i) & 0xff;
            if (c == 0) {
                break;
            }
            s.append(c >= 0x20 && c < 0x7f ? (char) c : '?');
        }
        return s.toString();
    }
}
