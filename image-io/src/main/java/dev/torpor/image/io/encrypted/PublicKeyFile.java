package dev.torpor.image.io.encrypted;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A machine's hibernation public key, as {@code torpor keygen} writes it: images are encrypted to it, and nothing
 * secret is needed to write them. One line, {@code torpor-x25519-public-v1 BASE64}, after comments.
 *
 * @param key the X25519 public key (32 bytes)
 */
public record PublicKeyFile(byte[] key) {
    public static final String MAGIC = "torpor-x25519-public-v1";

    public PublicKeyFile {
        if (key.length != X25519.KEY_BYTES) {
            throw new IllegalArgumentException("an X25519 public key is 32 bytes");
        }
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    /** The key's fingerprint, as images record it. */
    public byte[] fingerprint() {
        return X25519.fingerprint(key);
    }

    /** Whether {@code file} looks like a public key file (its first meaningful line starts with the magic). */
    public static boolean is(Path file) {
        return KeyFiles.starts(file, MAGIC);
    }

    public static PublicKeyFile read(Path file) throws IOException {
        List<String[]> lines = KeyFiles.linesAfter(file, MAGIC, "public key");
        if (lines.get(0).length < 2) {
            throw new KeyFileException(file + ": the key is missing after '" + MAGIC + "'");
        }
        return new PublicKeyFile(KeyFiles.base64(file, "public key", lines.get(0)[1], X25519.KEY_BYTES));
    }

    /** The file's text. */
    public String text() {
        return "# Torpor hibernation public key (torpor keygen): images are encrypted to it.\n"
                + "# fingerprint " + X25519.show(fingerprint()) + "\n"
                + MAGIC + " " + KeyFiles.base64(key) + "\n";
    }
}
