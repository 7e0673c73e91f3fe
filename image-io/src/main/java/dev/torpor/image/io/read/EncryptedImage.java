package dev.torpor.image.io.read;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.encrypted.TorporHeader;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.codec.UnitCodecs;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;

/**
 * Reading Torpor's encrypted image kind. Every unit is AES-256-GCM with a nonce made of the image's random
 * prefix and the unit's index, and authenticates the header page, its index and whether it is the last: a
 * wrong key, a changed bit anywhere, units swapped, dropped or added are all found by {@link #verify}. The
 * {@link #pages} source verifies the whole image first and only then hands out the first page.
 */
public final class EncryptedImage {
    /** Largest unit on disk: length field, LZO worst case for 32 pages, GCM tag. */
    private static final int TAG = 16;

    private final HibernationImage image;
    private final MapChain chain;
    private final long mapPages;
    private final PageReader reader;
    private final int pageSize;

    EncryptedImage(HibernationImage image, MapChain chain, long mapPages, PageReader reader, int pageSize) {
        this.image = image;
        this.chain = chain;
        this.mapPages = mapPages;
        this.reader = reader;
        this.pageSize = pageSize;
    }

    /** The plain-text header (what the image holds, how it was made). */
    public TorporHeader header() throws IOException {
        MapChain.Cursor c = chain.cursor(mapPages);
        long slot = c.next();
        if (slot == 0) {
            throw new ImageFormatException(c.lastEntryOffset(), "the swap map of the Torpor image is empty");
        }
        byte[] page = new byte[pageSize];
        reader.readPage(slot, pageSize, page, 0);
        return TorporHeader.parse(ByteBuffer.wrap(page), slot * pageSize);
    }

    /**
     * Authenticates every unit with {@code key}; returns the number of units. Nothing decrypted is kept.
     *
     * @throws ImageFormatException naming the unit and its offset if anything fails to authenticate
     */
    public long verify(KeyMaterial key) throws IOException {
        Decoder d = new Decoder(key);
        while (d.nextUnit()) {
            // authenticated and discarded
        }
        return d.header.units();
    }

    /** The decrypted snapshot stream, handed out only after the whole image was verified. */
    public PageSource pages(KeyMaterial key) throws IOException {
        verify(key);
        return pagesAfterVerify(key);
    }

    /**
     * The decrypted stream without the verification pass of {@link #pages}, for callers that have just run
     * {@link #verify} themselves (it halves the reading). Every unit is still authenticated as it is read, so
     * anything changed on disk since then fails that unit with an {@link ImageFormatException}.
     */
    public PageSource pagesAfterVerify(KeyMaterial key) throws IOException {
        Decoder d = new Decoder(key);
        return () -> {
            if (d.nextOut == d.outPages) {
                if (!d.nextUnit()) {
                    return null;
                }
            }
            ByteBuffer p = ByteBuffer.wrap(d.out, d.nextOut * pageSize, pageSize).slice().asReadOnlyBuffer();
            d.nextOut++;
            return p;
        };
    }

    /** Walks the units: reads, authenticates, decrypts and decompresses one at a time. */
    private final class Decoder {
        final TorporHeader header;
        final byte[] headerBytes;
        final SecretKeySpec key;
        final MapChain.Cursor entries;
        final Cipher cipher;
        final Compressor.UnitDecoder inflate;
        final long[] slots;
        final byte[] in;
        final byte[] plain;
        final byte[] out;
        long unit;
        long pagesOut;
        int outPages;
        int nextOut;

        Decoder(KeyMaterial km) throws IOException {
            entries = chain.cursor(mapPages);
            long headerSlot = entries.next();
            if (headerSlot == 0) {
                throw new ImageFormatException(entries.lastEntryOffset(), "the swap map of the Torpor image is empty");
            }
            byte[] page = new byte[pageSize];
            reader.readPage(headerSlot, pageSize, page, 0);
            header = TorporHeader.parse(ByteBuffer.wrap(page), headerSlot * pageSize);
            headerBytes = TorporHeader.authenticated(ByteBuffer.wrap(page));
            key = km.key(header);
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES/GCM is not available in this JVM", e);
            }
            inflate = header.compressor() == Compressor.NONE ? null : UnitCodecs.decoder(header.compressor());
            int maxPages = maxUnitPages();
            slots = new long[maxPages];
            in = new byte[maxPages * pageSize];
            plain = new byte[maxPages * pageSize];
            out = new byte[TorporHeader.UNIT_PAGES * pageSize];
        }

        int maxUnitPages() {
            long max = 4 + dev.torpor.swap.format.CompressedUnits.worstCompressed(TorporHeader.UNIT_PAGES * (long) pageSize)
                    + TAG;
            return (int) ((max + pageSize - 1) / pageSize);
        }

        /** Decodes the next unit into {@code out}; false after the last (having checked nothing follows). */
        boolean nextUnit() throws IOException {
            if (unit == header.units()) {
                if (entries.next() != 0) {
                    throw new ImageFormatException(entries.lastEntryOffset(), "data follows the last of the "
                            + header.units() + " units");
                }
                return false;
            }
            long first = entries.next();
            if (first == 0) {
                throw new ImageFormatException(entries.lastEntryOffset(), "the image ends after " + unit + " of "
                        + header.units() + " units (truncated)");
            }
            long at = first * pageSize;
            reader.readPage(first, pageSize, in, 0);
            long ctLen = Integer.toUnsignedLong(ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
            if (ctLen <= TAG || 4 + ctLen > (long) slots.length * pageSize) {
                throw new ImageFormatException(at, "unit " + unit + " has length " + ctLen + ", outside "
                        + (TAG + 1) + ".." + ((long) slots.length * pageSize - 4));
            }
            int pages = (int) ((4 + ctLen + pageSize - 1) / pageSize);
            slots[0] = first;
            for (int i = 1; i < pages; i++) {
                long s = entries.next();
                if (s == 0) {
                    throw new ImageFormatException(entries.lastEntryOffset(), "unit " + unit + " needs " + pages
                            + " pages but the swap map ends after " + i);
                }
                slots[i] = s;
            }
            reader.readPages(slots, pages, pageSize, in);
            boolean last = unit == header.units() - 1;
            int plainLen;
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, header.nonce(unit)));
                cipher.updateAAD(TorporHeader.aad(headerBytes, unit, last));
                plainLen = cipher.doFinal(in, 4, (int) ctLen, plain, 0);
            } catch (AEADBadTagException e) {
                throw new ImageFormatException(at, "unit " + unit + " fails authentication: wrong key, or the image "
                        + "was altered, reordered or cut");
            } catch (GeneralSecurityException e) {
                throw new ImageFormatException(at, "unit " + unit + " cannot be decrypted: " + e.getMessage());
            }
            long expectPages = Math.min(TorporHeader.UNIT_PAGES, header.streamPages() - pagesOut);
            int n;
            if (inflate == null) {
                if (plainLen > out.length) {
                    throw new ImageFormatException(at, "unit " + unit + " holds more than " + TorporHeader.UNIT_PAGES
                            + " pages");
                }
                System.arraycopy(plain, 0, out, 0, plainLen);
                n = plainLen;
            } else {
                try {
                    n = inflate.decompress(plain, 0, plainLen, out, 0, out.length);
                } catch (RuntimeException e) {
                    throw new ImageFormatException(at, "unit " + unit + " does not decompress after decryption");
                }
            }
            if (n != expectPages * pageSize) {
                throw new ImageFormatException(at, "unit " + unit + " holds " + n + " bytes, not " + expectPages
                        + " pages");
            }
            outPages = (int) expectPages;
            nextOut = 0;
            pagesOut += expectPages;
            unit++;
            return true;
        }
    }

    /** The image this belongs to. */
    public HibernationImage image() {
        return image;
    }
}
