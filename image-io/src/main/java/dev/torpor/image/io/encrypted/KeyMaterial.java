package dev.torpor.image.io.encrypted;

import dev.torpor.image.io.ImageFormatException;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * The secret of an encrypted image: a key file of exactly 32 bytes is the AES-256 key itself; any other
 * key file holds a passphrase (one line), from which the key is derived with PBKDF2-HMAC-SHA256 and the
 * image's salt and iteration count.
 */
public final class KeyMaterial {
    /** PBKDF2 iterations for new images (OWASP's figure for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_ITERATIONS = 600_000;

    private final byte[] rawKey;
    private final char[] passphrase;
    /** The key derived last, and for which parameters: PBKDF2 is meant to be slow, so it runs once per image. */
    private SecretKeySpec derived;
    private int derivedIterations;
    private byte[] derivedSalt;

    private KeyMaterial(byte[] rawKey, char[] passphrase) {
        this.rawKey = rawKey;
        this.passphrase = passphrase;
    }

    public static KeyMaterial rawKey(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("a raw key is 32 bytes (AES-256), not " + key.length);
        }
        return new KeyMaterial(key.clone(), null);
    }

    public static KeyMaterial passphrase(String passphrase) {
        if (passphrase.isEmpty()) {
            throw new IllegalArgumentException("the passphrase is empty");
        }
        return new KeyMaterial(null, passphrase.toCharArray());
    }

    /** Reads a key file: 32 bytes are a raw key, anything else a passphrase (its first line). */
    public static KeyMaterial fromFile(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        if (content.length == 32) {
            return rawKey(content);
        }
        String text = new String(content, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String line = (nl >= 0 ? text.substring(0, nl) : text).replace("\r", "");
        Arrays.fill(content, (byte) 0);
        return passphrase(line);
    }

    /** Whether this is a raw key (else a passphrase). */
    public boolean isRawKey() {
        return rawKey != null;
    }

    /** The AES key for an image with these KDF parameters. */
    public SecretKeySpec key(int kdf, int iterations, byte[] salt) throws ImageFormatException {
        if (kdf == TorporHeader.KDF_RAW) {
            if (rawKey == null) {
                throw new ImageFormatException(0, "the image was encrypted with a raw key file, not a passphrase");
            }
            return new SecretKeySpec(rawKey, "AES");
        }
        if (passphrase == null) {
            throw new ImageFormatException(0, "the image was encrypted with a passphrase, not a raw key file");
        }
        synchronized (this) {
            if (derived != null && derivedIterations == iterations && Arrays.equals(derivedSalt, salt)) {
                return derived; // a resume, its check and its header page need the key once, not three times
            }
        }
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] k = f.generateSecret(new PBEKeySpec(passphrase, salt, iterations, 256)).getEncoded();
            SecretKeySpec key = new SecretKeySpec(k, "AES");
            synchronized (this) {
                derived = key;
                derivedIterations = iterations;
                derivedSalt = salt.clone();
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
        }
    }
}
