package dev.torpor.image.io.encrypted;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * A machine's hibernation secret key, sealed under a passphrase: PBKDF2-HMAC-SHA256 of the passphrase gives an
 * AES-256-GCM key that seals the X25519 private key, with the public key as associated data. A new passphrase
 * re-seals the same private key, so the public key, and every image encrypted to it, stays valid.
 *
 * <pre>
 *   torpor-x25519-secret-v1
 *   public BASE64(32)
 *   kdf pbkdf2-hmac-sha256 ITERATIONS BASE64(salt, 16)
 *   sealed BASE64(nonce, 12) BASE64(private key sealed, 32 + 16-byte tag)
 * </pre>
 *
 * @param publicKey  the public key the private key belongs to
 * @param iterations PBKDF2 iterations
 * @param salt       PBKDF2 salt
 * @param nonce      the GCM nonce of the seal
 * @param sealed     the sealed private key and its tag
 */
public record SecretKeyFile(byte[] publicKey, int iterations, byte[] salt, byte[] nonce, byte[] sealed) {
    public static final String MAGIC = "torpor-x25519-secret-v1";
    static final int MAX_ITERATIONS = 100_000_000;
    private static final String KDF = "pbkdf2-hmac-sha256";

    public SecretKeyFile {
        publicKey = publicKey.clone();
        salt = salt.clone();
        nonce = nonce.clone();
        sealed = sealed.clone();
    }

    /** Seals {@code privateKey} under {@code passphrase}, with fresh salt and nonce. */
    public static SecretKeyFile seal(byte[] privateKey, char[] passphrase, int iterations, SecureRandom random)
            throws InvalidKeyException {
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("the passphrase is empty");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("PBKDF2 iterations must be 1 to " + MAX_ITERATIONS);
        }
        byte[] pub = X25519.publicKey(privateKey);
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, KeyMaterial.pbkdf2(passphrase, salt, iterations), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(pub));
            return new SecretKeyFile(pub, iterations, salt, nonce, c.doFinal(privateKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** The private key; a passphrase that is not this file's fails as {@link KeyFileException.WrongPassphrase}. */
    public byte[] open(char[] passphrase) throws KeyFileException {
        byte[] key;
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, KeyMaterial.pbkdf2(passphrase, salt, iterations), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(publicKey));
            key = c.doFinal(sealed);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new KeyFileException.WrongPassphrase("wrong passphrase: it does not open the secret key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
        try {
            if (!Arrays.equals(X25519.publicKey(key), publicKey)) {
                throw new KeyFileException("the secret key file's private key does not belong to its public key");
            }
        } catch (InvalidKeyException e) {
            throw new KeyFileException("the secret key file holds no usable X25519 key: " + e.getMessage());
        }
        return key;
    }

    /** The public key's fingerprint. */
    public byte[] fingerprint() {
        return X25519.fingerprint(publicKey);
    }

    public static boolean is(Path file) {
        return KeyFiles.starts(file, MAGIC);
    }

    public static SecretKeyFile read(Path file) throws IOException {
        List<String[]> lines = KeyFiles.linesAfter(file, MAGIC, "secret key");
        byte[] pub = null;
        byte[] salt = null;
        byte[] nonce = null;
        byte[] sealed = null;
        int iterations = 0;
        for (String[] f : lines.subList(1, lines.size())) {
            switch (f[0]) {
                case "public" -> pub = KeyFiles.base64(file, "public key", field(file, f, 1), X25519.KEY_BYTES);
                case "kdf" -> {
                    if (!KDF.equals(field(file, f, 1))) {
                        throw new KeyFileException(file + ": key derivation '" + f[1] + "' is not known (only " + KDF
                                + ")");
                    }
                    try {
                        iterations = Integer.parseInt(field(file, f, 2));
                    } catch (NumberFormatException e) {
                        iterations = -1;
                    }
                    if (iterations < 1 || iterations > MAX_ITERATIONS) {
                        throw new KeyFileException(file + ": PBKDF2 iterations '" + f[2] + "' are not 1 to "
                                + MAX_ITERATIONS);
                    }
                    salt = KeyFiles.base64(file, "salt", field(file, f, 3), 16);
                }
                case "sealed" -> {
                    nonce = KeyFiles.base64(file, "nonce", field(file, f, 1), 12);
                    sealed = KeyFiles.base64(file, "sealed key", field(file, f, 2), X25519.KEY_BYTES + 16);
                }
                default -> {
                    // later versions may add fields
                }
            }
        }
        if (pub == null || salt == null || sealed == null) {
            throw new KeyFileException(file + " is incomplete: it needs 'public', 'kdf' and 'sealed' lines "
                    + "(a truncated copy?)");
        }
        return new SecretKeyFile(pub, iterations, salt, nonce, sealed);
    }

    private static String field(Path file, String[] f, int i) throws KeyFileException {
        if (f.length <= i) {
            throw new KeyFileException(file + ": the '" + f[0] + "' line is cut short");
        }
        return f[i];
    }

    /** The file's text. */
    public String text() {
        return "# Torpor hibernation secret key (torpor keygen), sealed under a passphrase.\n"
                + "# fingerprint " + X25519.show(fingerprint()) + "\n"
                + MAGIC + "\n"
                + "public " + KeyFiles.base64(publicKey) + "\n"
                + "kdf " + KDF + " " + iterations + " " + KeyFiles.base64(salt) + "\n"
                + "sealed " + KeyFiles.base64(nonce) + " " + KeyFiles.base64(sealed) + "\n";
    }

    private static byte[] aad(byte[] publicKey) {
        byte[] m = MAGIC.getBytes(StandardCharsets.US_ASCII);
        byte[] a = Arrays.copyOf(m, m.length + publicKey.length);
        System.arraycopy(publicKey, 0, a, m.length, publicKey.length);
        return a;
    }

}
