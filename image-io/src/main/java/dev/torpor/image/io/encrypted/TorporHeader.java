package dev.torpor.image.io.encrypted;

import dev.torpor.image.io.ImageFormatException;

import dev.torpor.image.io.codec.Compressor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The first stored page of Torpor's encrypted image kind (map entry 0), in plain text and authenticated as
 * part of every unit: what the image holds and how its units were transformed. Little-endian.
 *
 * <pre>
 *   0  16  magic "TORPOR-IMAGE" (NUL-padded)
 *  16   4  format version (1)
 *  20   4  page size
 *  24   8  stream pages (the kernel's snapshot stream, header page included)
 *  32   8  units
 *  40   4  compressor inside the encryption (0 none, 1 LZO, 2 LZ4)
 *  44   4  key derivation (0 raw 256-bit key, 1 PBKDF2-HMAC-SHA256 of a passphrase, 2 X25519 + HKDF-SHA256)
 *  48   4  KDF iterations (PBKDF2; 0 otherwise)
 *  52  16  KDF salt (PBKDF2's, or HKDF's)
 *  68   4  nonce prefix (random per image; the GCM nonce is prefix || 8-byte unit index)
 *  72  32  X25519: the image's ephemeral public key (zero otherwise)
 * 104  16  X25519: the recipient public key's fingerprint, SHA-256 truncated (zero otherwise)
 * 120   8  reserved, zero
 * </pre>
 *
 * <p>With X25519 the image key is HKDF-SHA256(salt, X25519(ephemeral, recipient), "torpor image key v1" ||
 * ephemeral public || recipient public), 32 bytes: the writer needs only the recipient's public key.
 *
 * @param pageSize     page size of the stream
 * @param streamPages  pages of the snapshot stream
 * @param units        units of up to 32 stream pages
 * @param compressor   compression applied before encryption
 * @param kdf          0: the key file is the key; 1: PBKDF2-HMAC-SHA256 of the passphrase in it
 * @param iterations   PBKDF2 iterations
 * @param salt         PBKDF2 salt (16 bytes)
 * @param noncePrefix  4 random bytes opening every nonce of this image
 * @param ephemeral    X25519: the image's ephemeral public key (32 zero bytes otherwise)
 * @param recipient    X25519: the fingerprint of the public key the image was encrypted to (16 zero bytes otherwise)
 */
public record TorporHeader(int pageSize, long streamPages, long units, Compressor compressor, int kdf, int iterations,
                           byte[] salt, int noncePrefix, byte[] ephemeral, byte[] recipient) {

    public static final byte[] MAGIC = Arrays.copyOf("TORPOR-IMAGE".getBytes(StandardCharsets.US_ASCII), 16);
    public static final int VERSION = 1;
    /** Bytes of the header that every unit authenticates. */
    public static final int AUTHENTICATED_BYTES = 128;
    /** Stream pages per unit. */
    public static final int UNIT_PAGES = 32;
    public static final int KDF_RAW = 0;
    public static final int KDF_PBKDF2 = 1;
    public static final int KDF_X25519 = 2;

    public TorporHeader {
        salt = salt.clone();
        ephemeral = ephemeral.clone();
        recipient = recipient.clone();
        if (salt.length != 16 || ephemeral.length != X25519.KEY_BYTES || recipient.length != X25519.FINGERPRINT_BYTES) {
            throw new IllegalArgumentException("salt 16, ephemeral key 32 and fingerprint 16 bytes");
        }
    }

    /** A header of the passphrase or raw-key kinds (no X25519 fields). */
    public TorporHeader(int pageSize, long streamPages, long units, Compressor compressor, int kdf, int iterations,
                        byte[] salt, int noncePrefix) {
        this(pageSize, streamPages, units, compressor, kdf, iterations, salt, noncePrefix, new byte[X25519.KEY_BYTES],
                new byte[X25519.FINGERPRINT_BYTES]);
    }

    @Override
    public byte[] ephemeral() {
        return ephemeral.clone();
    }

    @Override
    public byte[] recipient() {
        return recipient.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** Units needed for {@code streamPages} pages. */
    public static long unitsFor(long streamPages) {
        return (streamPages + UNIT_PAGES - 1) / UNIT_PAGES;
    }

    /** The header page. */
    public ByteBuffer toPage() {
        ByteBuffer b = ByteBuffer.allocate(pageSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, MAGIC).putInt(16, VERSION).putInt(20, pageSize).putLong(24, streamPages).putLong(32, units)
                .putInt(40, compressor.ordinal()).putInt(44, kdf).putInt(48, iterations).put(52, salt)
                .putInt(68, noncePrefix).put(72, ephemeral).put(104, recipient);
        return b;
    }

    /** The authenticated bytes of a header page. */
    public static byte[] authenticated(ByteBuffer page) {
        byte[] a = new byte[AUTHENTICATED_BYTES];
        page.get(0, a);
        return a;
    }

    /** Parses a header page; fails with the offset (from {@code base}) of the first bad field. */
    public static TorporHeader parse(ByteBuffer page, long base) throws ImageFormatException {
        ByteBuffer b = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[16];
        b.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ImageFormatException(base, "the first stored page is not a Torpor image header");
        }
        if (b.getInt(16) != VERSION) {
            throw new ImageFormatException(base + 16, "Torpor image format version " + b.getInt(16) + " is not known");
        }
        int pageSize = b.getInt(20);
        if (pageSize != page.capacity()) {
            throw new ImageFormatException(base + 20, "page size " + pageSize + " differs from the area's");
        }
        long streamPages = b.getLong(24);
        long units = b.getLong(32);
        if (streamPages < 1 || streamPages > (1L << 40) || units != unitsFor(streamPages)) {
            throw new ImageFormatException(base + 24, "stream pages " + streamPages + " and units " + units
                    + " do not fit together");
        }
        int c = b.getInt(40);
        int kdf = b.getInt(44);
        int iterations = b.getInt(48);
        if (c < 0 || c > 2 || kdf < 0 || kdf > 2 || (kdf == KDF_PBKDF2 && (iterations < 1 || iterations > 100_000_000))) {
            throw new ImageFormatException(base + 40, "unknown compressor or key derivation");
        }
        byte[] salt = new byte[16];
        b.get(52, salt);
        byte[] ephemeral = new byte[X25519.KEY_BYTES];
        byte[] recipient = new byte[X25519.FINGERPRINT_BYTES];
        b.get(72, ephemeral);
        b.get(104, recipient);
        return new TorporHeader(pageSize, streamPages, units, Compressor.values()[c], kdf, iterations, salt,
                b.getInt(68), ephemeral, recipient);
    }

    /** The 12-byte GCM nonce of unit {@code index}. */
    public byte[] nonce(long index) {
        return ByteBuffer.allocate(12).putInt(noncePrefix).putLong(index).array();
    }

    /** What a unit authenticates besides its own bytes: the header, its index, and whether it is the last. */
    public static byte[] aad(byte[] header, long index, boolean last) {
        return ByteBuffer.allocate(AUTHENTICATED_BYTES + 9).put(header).putLong(index).put((byte) (last ? 1 : 0))
                .array();
    }
}
