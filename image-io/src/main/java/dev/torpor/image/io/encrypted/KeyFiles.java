package dev.torpor.image.io.encrypted;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reading the text of Torpor's key files: size capped, comments and blank lines skipped, fields by line. */
final class KeyFiles {
    /** No key file is larger; anything larger is not one. */
    static final int MAX_BYTES = 64 << 10;

    private KeyFiles() {
    }

    /** The file's meaningful lines (not blank, not {@code #} comments), each split at blanks. */
    static List<String[]> lines(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new KeyFileException(file + " is larger than " + MAX_BYTES + " bytes: not a Torpor key file");
        }
        List<String[]> out = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(t.split("\\s+"));
            }
        }
        return out;
    }

    /** Whether the first meaningful line of {@code file} starts with {@code magic} (false for any unreadable file). */
    static boolean starts(Path file, String magic) {
        try {
            List<String[]> lines = lines(file);
            return !lines.isEmpty() && lines.get(0)[0].equals(magic);
        } catch (IOException e) {
            return false;
        }
    }

    /** The file's meaningful lines, the first starting with {@code magic}; else a plain "not a ... key file". */
    static List<String[]> linesAfter(Path file, String magic, String what) throws IOException {
        List<String[]> lines = lines(file);
        if (lines.isEmpty() || !lines.get(0)[0].equals(magic)) {
            throw new KeyFileException(file + " is not a Torpor " + what + " file (it should start with '" + magic
                    + "'; torpor keygen makes one)");
        }
        return lines;
    }

    static byte[] base64(Path file, String field, String text, int length) throws KeyFileException {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file + ": the " + field + " is not base64 (" + e.getMessage() + ")");
        }
        if (length >= 0 && b.length != length) {
            throw new KeyFileException(file + ": the " + field + " has " + b.length + " bytes, not " + length
                    + " (a truncated or edited key file?)");
        }
        return b;
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
