package dev.torpor.image.io.encrypted;

import javax.crypto.KeyAgreement;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;

/**
 * X25519 (RFC 7748) on raw 32-byte keys, through the JDK's XDH: the key agreement of Torpor's public-key images.
 * Keys are the RFC's byte strings (little-endian u-coordinates and scalars), as stored in key files and headers.
 */
public final class X25519 {
    /** Bytes of a key, public or private, and of a shared secret. */
    public static final int KEY_BYTES = 32;
    /** Bytes of a public key's fingerprint as images record it. */
    public static final int FINGERPRINT_BYTES = 16;
    private static final byte[] BASE_POINT = new byte[KEY_BYTES];

    static {
        BASE_POINT[0] = 9;
    }

    private X25519() {
    }

    /** A new private key (32 random bytes; X25519 clamps them when it uses them). */
    public static byte[] newPrivateKey(SecureRandom random) {
        byte[] k = new byte[KEY_BYTES];
        random.nextBytes(k);
        return k;
    }

    /** The public key of {@code privateKey}: X25519(k, 9). */
    public static byte[] publicKey(byte[] privateKey) throws InvalidKeyException {
        return agree(privateKey, BASE_POINT);
    }

    /**
     * X25519(privateKey, peerPublic): the shared secret.
     *
     * @throws InvalidKeyException if a key is not 32 bytes, or the result is all zeros (a low-order point: an
     *                             image's ephemeral key that no honest writer makes)
     */
    public static byte[] agree(byte[] privateKey, byte[] peerPublic) throws InvalidKeyException {
        if (privateKey.length != KEY_BYTES || peerPublic.length != KEY_BYTES) {
            throw new InvalidKeyException("X25519 keys are 32 bytes");
        }
        try {
            KeyFactory f = KeyFactory.getInstance("XDH");
            byte[] u = peerPublic.clone();
            u[31] &= 0x7f; // RFC 7748 5: the top bit of the u-coordinate is ignored
            reverse(u);
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(f.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey.clone())));
            ka.doPhase(f.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, u))), true);
            byte[] shared = ka.generateSecret();
            if (Arrays.equals(shared, new byte[KEY_BYTES])) {
                throw new InvalidKeyException("X25519 gave the all-zero secret (a low-order public key)");
            }
            return shared;
        } catch (InvalidKeyException e) {
            throw e;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no X25519 (XDH); it needs the module "
                    + "jdk.crypto.ec", e);
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("X25519 refused the key: " + e.getMessage(), e);
        }
    }

    /** The first 16 bytes of SHA-256 of a public key: which key an image was encrypted to. */
    public static byte[] fingerprint(byte[] publicKey) {
        try {
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(publicKey), FINGERPRINT_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** A fingerprint as people read it: hex pairs joined by colons. */
    public static String show(byte[] fingerprint) {
        StringBuilder s = new StringBuilder();
        for (byte b : fingerprint) {
            s.append(s.length() == 0 ? "" : ":").append(String.format("%02x", b));
        }
        return s.toString();
    }

    private static void reverse(byte[] b) {
        for (int i = 0, j = b.length - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
    }
}
