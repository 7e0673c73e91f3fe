package dev.torpor.image.io.write;

import dev.torpor.image.io.encrypted.TorporHeader;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * The authenticated-encryption stage of Torpor's encrypted kind: AES-256-GCM with the nonce
 * {@code prefix ∥ unit index}, authenticating the header page's first 128 bytes, the unit index and the
 * last-unit flag. Its configuration (key derivation, salt, iterations, nonce prefix) is in the image header.
 */
public final class Sealing implements UnitTransformer {
    static final int TAG_BYTES = 16;
    private final SecretKeySpec key;
    private final TorporHeader header;
    private final byte[] authenticated;
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available in this JVM", e);
        }
    });

    Sealing(SecretKeySpec key, TorporHeader header, byte[] authenticated) {
        this.key = key;
        this.header = header;
        this.authenticated = authenticated.clone();
    }

    @Override
    public String name() {
        return "aes-256-gcm";
    }

    @Override
    public int maxOutput(int inputBytes) {
        return inputBytes + TAG_BYTES;
    }

    @Override
    public long workingMemory() {
        return 4096; // cipher state and GHASH tables
    }

    @Override
    public int apply(long index, boolean last, byte[] in, int length, byte[] out) throws IOException {
        Cipher c = ciphers.get();
        try {
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, header.nonce(index)));
            c.updateAAD(TorporHeader.aad(authenticated, index, last));
            return c.doFinal(in, 0, length, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IOException("encryption of unit " + index + " failed: " + e.getMessage(), e);
        }
    }
}
