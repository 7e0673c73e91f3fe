package dev.torpor.snapshot.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The kernel's {@code struct new_utsname}: six NUL-padded strings of 65 bytes each. Generic
 * architectures store it at the start of the image header page.
 */
public record Utsname(String sysname, String nodename, String release, String version, String machine,
                      String domainname) {

    /** Length of each field, including room for the terminating NUL. */
    public static final int FIELD_LENGTH = 65;
    /** Size of the whole structure. */
    public static final int SIZE = 6 * FIELD_LENGTH;

    /** Reads the structure at {@code offset}; each field ends at its first NUL. */
    public static Utsname read(ByteBuffer page, int offset) {
        String[] f = new String[6];
        for (int i = 0; i < 6; i++) {
            f[i] = cString(page, offset + i * FIELD_LENGTH, FIELD_LENGTH);
        }
        return new Utsname(f[0], f[1], f[2], f[3], f[4], f[5]);
    }

    /** A NUL-terminated string of at most {@code max} bytes, decoded leniently (bad bytes become U+FFFD). */
    public static String cString(ByteBuffer page, int offset, int max) {
        byte[] bytes = new byte[max];
        int n = 0;
        while (n < max) {
            byte b = page.get(offset + n);
            if (b == 0) {
                break;
            }
            bytes[n++] = b;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    /** Normalises {@code uname -m} style machine names to Torpor's architecture names. */
    public static String archOfMachine(String machine) {
        String m = machine.toLowerCase(Locale.ROOT);
        if (m.matches("i[3-6]86")) {
            return "i386";
        }
        switch (m) {
            case "aarch64": return "arm64";
            case "amd64": return "x86_64";
            default: return m.isEmpty() ? "unknown" : m;
        }
    }
}
