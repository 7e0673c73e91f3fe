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
 * What encrypts or opens an encrypted image: a raw AES-256 key (a key file of exactly 32 bytes); a passphrase (any
 * other key file: its first line), from which PBKDF2-HMAC-SHA256 and the image's salt and count derive the key; a
 * recipient's X25519 public key ({@link PublicKeyFile}), which only encrypts; or the X25519 private key that
 * opens what was encrypted to it (from a {@link SecretKeyFile} opened with its passphrase).
 */
public final class KeyMaterial {
    /** PBKDF2 iterations for new images (OWASP's figure for PBKDF2-HMAC-SHA256). */
    public static final int DEFAULT_ITERATIONS = 600_000;

    private static final byte[] HKDF_INFO = "torpor image key v1".getBytes(StandardCharsets.US_ASCII);
    private final byte[] rawKey;
    private final char[] passphrase;
    /** X25519: the recipient's public key (to encrypt), with {@link #privateKey} when this can also open. */
    private byte[] publicKey;
    private byte[] privateKey;
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

    /** Encrypts to {@code recipient}'s public key: images written with it open only with its secret key. */
    public static KeyMaterial recipient(PublicKeyFile recipient) {
        KeyMaterial k = new KeyMaterial(null, null);
        k.publicKey = recipient.key();
        return k;
    }

    /** Opens images encrypted to the public key of {@code privateKey} (and encrypts to it). */
    public static KeyMaterial privateKey(byte[] privateKey) throws java.security.InvalidKeyException {
        KeyMaterial k = new KeyMaterial(null, null);
        k.publicKey = X25519.publicKey(privateKey);
        k.privateKey = privateKey.clone();
        return k;
    }

    /**
     * Reads a key file: a {@link PublicKeyFile} encrypts to its key, and so does a {@link SecretKeyFile}, to the
     * public key it names (no passphrase is needed to encrypt; to open, unseal it and use
     * {@link #privateKey(byte[])}); 32 bytes are a raw key; anything else is a passphrase (its first line).
     */
    public static KeyMaterial fromFile(Path file) throws IOException {
        if (PublicKeyFile.is(file)) {
            return recipient(PublicKeyFile.read(file));
        }
        if (SecretKeyFile.is(file)) {
            return recipient(new PublicKeyFile(SecretKeyFile.read(file).publicKey()));
        }
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

    /** Whether this is a raw key. */
    public boolean isRawKey() {
        return rawKey != null;
    }

    /** Whether this encrypts to an X25519 public key (images get {@link TorporHeader#KDF_X25519}). */
    public boolean isPublicKey() {
        return publicKey != null;
    }

    /** X25519: the fingerprint of the public key images are encrypted to. */
    public byte[] fingerprint() {
        if (publicKey == null) {
            throw new IllegalStateException("not an X25519 key");
        }
        return X25519.fingerprint(publicKey);
    }

    /**
     * X25519, writing: the AES key of a new image whose header carries the public key of {@code ephemeralPrivate}
     * and this recipient's fingerprint.
     */
    public SecretKeySpec imageKey(TorporHeader header, byte[] ephemeralPrivate) throws java.security.InvalidKeyException {
        byte[] shared = X25519.agree(ephemeralPrivate, publicKey);
        return hkdf(header, shared);
    }

    /** The AES key of the image with {@code header}. */
    public SecretKeySpec key(TorporHeader header) throws ImageFormatException {
        if (header.kdf() != TorporHeader.KDF_X25519) {
            if (publicKey != null) {
                throw new ImageFormatException(0, "the image was encrypted with a "
                        + (header.kdf() == TorporHeader.KDF_RAW ? "raw key file" : "passphrase")
                        + ", not to a public key");
            }
            return key(header.kdf(), header.iterations(), header.salt());
        }
        if (privateKey == null) {
            throw new ImageFormatException(0, publicKey != null
                    ? "the image was encrypted to a public key: its secret key opens it, the public key cannot"
                    : "the image was encrypted to a public key (fingerprint " + X25519.show(header.recipient())
                    + "): give its secret key file");
        }
        if (!Arrays.equals(header.recipient(), fingerprint())) {
            throw new ImageFormatException(104, "the image was encrypted to the key with fingerprint "
                    + X25519.show(header.recipient()) + ", not to this one (" + X25519.show(fingerprint()) + ")");
        }
        try {
            return hkdf(header, X25519.agree(privateKey, header.ephemeral()));
        } catch (java.security.InvalidKeyException e) {
            throw new ImageFormatException(72, "the image's ephemeral key is not usable: " + e.getMessage());
        }
    }

    private SecretKeySpec hkdf(TorporHeader header, byte[] shared) {
        byte[] info = new byte[HKDF_INFO.length + 2 * X25519.KEY_BYTES];
        System.arraycopy(HKDF_INFO, 0, info, 0, HKDF_INFO.length);
        System.arraycopy(header.ephemeral(), 0, info, HKDF_INFO.length, X25519.KEY_BYTES);
        System.arraycopy(publicKey, 0, info, HKDF_INFO.length + X25519.KEY_BYTES, X25519.KEY_BYTES);
        byte[] k = Hkdf.sha256(header.salt(), shared, info, 32);
        Arrays.fill(shared, (byte) 0);
        return new SecretKeySpec(k, "AES");
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
            throw new ImageFormatException(0, "the image was encrypted with a passphrase, not a "
                    + (publicKey != null ? "public key" : "raw key file"));
        }
        synchronized (this) {
            if (derived != null && derivedIterations == iterations && Arrays.equals(derivedSalt, salt)) {
                return derived; // a resume, its check and its header page need the key once, not three times
            }
        }
        SecretKeySpec key = pbkdf2(passphrase, salt, iterations);
        synchronized (this) {
            derived = key;
            derivedIterations = iterations;
            derivedSalt = salt.clone();
        }
        return key;
    }

    /** The AES-256 key PBKDF2-HMAC-SHA256 derives from {@code passphrase}: images' and sealed secret keys' alike. */
    public static SecretKeySpec pbkdf2(char[] passphrase, byte[] salt, int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] k = f.generateSecret(new PBEKeySpec(passphrase, salt, iterations, 256)).getEncoded();
            return new SecretKeySpec(k, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
        }
    }
}
