package dev.torpor.image.io.encrypted;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/** HKDF with HMAC-SHA256 (RFC 5869): extract, then expand to {@code length} bytes. */
public final class Hkdf {
    private static final int HASH = 32;

    private Hkdf() {
    }

    /** {@code HKDF-Expand(HKDF-Extract(salt, ikm), info, length)}; an empty salt stands for 32 zero bytes. */
    public static byte[] sha256(byte[] salt, byte[] ikm, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH) {
            throw new IllegalArgumentException("HKDF-SHA256 gives 1 to " + 255 * HASH + " bytes, not " + length);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[HASH] : salt, "HmacSHA256"));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] out = new byte[length];
            byte[] t = new byte[0];
            for (int i = 1, at = 0; at < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                int n = Math.min(HASH, length - at);
                System.arraycopy(t, 0, out, at, n);
                at += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
