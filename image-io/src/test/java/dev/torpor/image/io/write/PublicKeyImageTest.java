package dev.torpor.image.io.write;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.encrypted.PublicKeyFile;
import dev.torpor.image.io.encrypted.TorporHeader;
import dev.torpor.image.io.encrypted.X25519;
import dev.torpor.image.io.read.Corpus;
import dev.torpor.image.io.read.EncryptedImage;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.PageSource;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.SnapshotStream;
import dev.torpor.snapshot.api.TargetProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An image encrypted to a public key, on the real k612 stream: written with the public key alone, opened only with the
 * matching private key, every image with its own ephemeral key, and no page of plain memory in the area.
 */
class PublicKeyImageTest {
    private static final int P = 4096;

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static Path stream;
    private static TargetProfile target;

    @BeforeAll
    static void streamOfARealImage() throws Exception {
        stream = shared.resolve("k612.stream");
        try (HibernationImage image = HibernationImage.open(Corpus.swap("k612-lzo"), ReadOptions.defaults());
             FileChannel out = FileChannel.open(stream, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            target = image.detection().orElseThrow().target();
            SnapshotStream s = image.stream();
            for (ByteBuffer p = s.next(); p != null; p = s.next()) {
                out.write(p);
            }
        }
    }

    private Path encrypted(String name, KeyMaterial key) throws Exception {
        Path area = Areas.fresh(tmp.resolve(name), 24576);
        try (StreamFile src = StreamFile.open(stream, Optional.empty());
             FileChannel ch = FileChannel.open(area, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            SwapArea swap = SwapArea.open(PageStore.of(ch), 0, P, target.byteOrder());
            ImageWriter.write(src, target, swap, FreeSlots.emptyOnly(swap), ImageWriter.Options.defaults()
                    .withCompressor(Compressor.LZO).withEncryption(key));
        }
        return area;
    }

    @Test
    void onlyThePrivateKeyOpensWhatThePublicKeyEncrypted() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] priv = X25519.newPrivateKey(random);
        KeyMaterial recipient = KeyMaterial.recipient(new PublicKeyFile(X25519.publicKey(priv)));
        Path a = encrypted("a.swap", recipient);
        Path b = encrypted("b.swap", recipient);
        byte[][] ephemerals = new byte[2][];
        int i = 0;
        for (Path area : new Path[] {a, b}) {
            try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
                EncryptedImage e = image.encrypted().orElseThrow();
                TorporHeader h = e.header();
                assertThat(h.kdf()).isEqualTo(TorporHeader.KDF_X25519);
                assertThat(h.recipient()).isEqualTo(X25519.fingerprint(X25519.publicKey(priv)));
                ephemerals[i++] = h.ephemeral();
                assertThat(e.verify(KeyMaterial.privateKey(priv))).isEqualTo(457);
                assertThat(digest(e.pages(KeyMaterial.privateKey(priv)))).isEqualTo(digest(plain()));
                assertThatThrownBy(() -> e.verify(recipient)).isInstanceOf(ImageFormatException.class)
                        .hasMessageContaining("the public key cannot");
                byte[] other = X25519.newPrivateKey(random);
                assertThatThrownBy(() -> e.verify(KeyMaterial.privateKey(other)))
                        .isInstanceOf(ImageFormatException.class).hasMessageContaining("not to this one");
                assertThatThrownBy(() -> e.verify(KeyMaterial.passphrase("guess")))
                        .isInstanceOf(ImageFormatException.class).hasMessageContaining("secret key");
            }
        }
        assertThat(ephemerals[0]).as("a fresh ephemeral key per image").isNotEqualTo(ephemerals[1]);
    }

    @Test
    void theAreaHoldsNoPageOfPlainMemory() throws Exception {
        byte[] priv = X25519.newPrivateKey(new SecureRandom());
        Path area = encrypted("m.swap", KeyMaterial.recipient(new PublicKeyFile(X25519.publicKey(priv))));
        // every distinct non-zero page of the stream (the header page with the kernel's addresses included)
        java.util.Set<String> plainPages = new java.util.HashSet<>();
        try (StreamFile s = StreamFile.open(stream, Optional.empty())) {
            for (ByteBuffer p = s.next(); p != null; p = s.next()) {
                byte[] b = new byte[P];
                p.duplicate().get(b);
                if (!java.util.Arrays.equals(b, new byte[P])) {
                    plainPages.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
                }
            }
        }
        long found = 0;
        byte[] page = new byte[P];
        try (FileChannel ch = FileChannel.open(area)) {
            for (long at = 0; at < ch.size(); at += P) {
                ch.read(ByteBuffer.wrap(page), at);
                if (plainPages.contains(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(page)))) {
                    found++;
                }
            }
        }
        assertThat(plainPages).hasSizeGreaterThan(1000);
        assertThat(found).isZero();
    }

    private static PageSource plain() throws Exception {
        return StreamFile.open(stream, Optional.empty());
    }

    private static String digest(PageSource pages) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (ByteBuffer p = pages.next(); p != null; p = pages.next()) {
            md.update(p);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
