package dev.torpor.image.io.encrypted;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The primitives of public-key images against their RFCs' test vectors (RFC 7748 6.1 for X25519, RFC 5869 A.1 and
 * A.3 for HKDF-SHA256), and the key files against the mistakes people make with them.
 */
class PublicKeyCryptoTest {
    private static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path tmp;

    @Test
    void x25519MatchesRfc7748() throws Exception {
        byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bob = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        assertThat(HEX.formatHex(X25519.publicKey(alice)))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        assertThat(HEX.formatHex(X25519.publicKey(bob)))
                .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertThat(HEX.formatHex(X25519.agree(alice, X25519.publicKey(bob)))).isEqualTo(shared);
        assertThat(HEX.formatHex(X25519.agree(bob, X25519.publicKey(alice)))).isEqualTo(shared);
        // a low-order point gives the all-zero secret: refused, as an image's ephemeral key must not be one
        assertThatThrownBy(() -> X25519.agree(alice, new byte[32])).isInstanceOf(java.security.InvalidKeyException.class);
    }

    @Test
    void hkdfMatchesRfc5869() {
        byte[] ikm = new byte[22];
        java.util.Arrays.fill(ikm, (byte) 0x0b);
        assertThat(HEX.formatHex(Hkdf.sha256(HEX.parseHex("000102030405060708090a0b0c"), ikm,
                HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42))).isEqualTo("3cb25f25faacd57a90434f64d0362f2a"
                + "2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
        assertThat(HEX.formatHex(Hkdf.sha256(new byte[0], ikm, new byte[0], 42))).isEqualTo("8da4e775a563c18f715f802a0"
                + "63c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    @Test
    void aSecretKeyOpensWithItsPassphraseOnlyAndANewPassphraseKeepsThePublicKey() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] priv = X25519.newPrivateKey(random);
        SecretKeyFile sealed = SecretKeyFile.seal(priv, "correct horse".toCharArray(), 1000, random);
        Path file = Files.writeString(tmp.resolve("image.sec"), sealed.text());
        SecretKeyFile read = SecretKeyFile.read(file);
        assertThat(read.open("correct horse".toCharArray())).isEqualTo(priv);
        assertThat(SecretKeyFile.is(file)).isTrue();
        assertThat(PublicKeyFile.is(file)).isFalse();
        assertThatThrownBy(() -> read.open("wrong horse".toCharArray()))
                .isInstanceOf(KeyFileException.WrongPassphrase.class).hasMessageContaining("wrong passphrase");

        SecretKeyFile resealed = SecretKeyFile.seal(read.open("correct horse".toCharArray()),
                "battery staple".toCharArray(), 1000, random);
        assertThat(resealed.publicKey()).isEqualTo(sealed.publicKey());
        assertThat(resealed.text()).isNotEqualTo(sealed.text());
        assertThat(resealed.open("battery staple".toCharArray())).isEqualTo(priv);

        Path pub = Files.writeString(tmp.resolve("image.pub"), new PublicKeyFile(X25519.publicKey(priv)).text());
        assertThat(PublicKeyFile.read(pub).key()).isEqualTo(sealed.publicKey());
        assertThat(PublicKeyFile.read(pub).text()).contains("fingerprint " + X25519.show(sealed.fingerprint()));
    }

    @Test
    void badKeyFilesAreNamedNeverThrownAsAStackTrace() throws Exception {
        SecureRandom random = new SecureRandom();
        String text = SecretKeyFile.seal(X25519.newPrivateKey(random), "pw".toCharArray(), 1000, random).text();
        Path cut = Files.writeString(tmp.resolve("cut.sec"), text.substring(0, text.indexOf("\nsealed ") + 1));
        assertThatThrownBy(() -> SecretKeyFile.read(cut)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("incomplete");
        Path shortened = Files.writeString(tmp.resolve("short.sec"), text.substring(0, text.length() - 12) + "\n");
        assertThatThrownBy(() -> SecretKeyFile.read(shortened)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("sealed key");
        Path other = Files.writeString(tmp.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        assertThatThrownBy(() -> SecretKeyFile.read(other)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("is not a Torpor secret key file");
        assertThatThrownBy(() -> PublicKeyFile.read(other)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("torpor keygen");
        Path huge = Files.write(tmp.resolve("huge"), new byte[KeyFiles.MAX_BYTES + 1]);
        assertThatThrownBy(() -> PublicKeyFile.read(huge)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("larger than");
        Path badIterations = Files.writeString(tmp.resolve("it.sec"), text.replace("pbkdf2-hmac-sha256 1000",
                "pbkdf2-hmac-sha256 -5"));
        assertThatThrownBy(() -> SecretKeyFile.read(badIterations)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("iterations");
        Path notBase64 = Files.writeString(tmp.resolve("b.pub"), PublicKeyFile.MAGIC + " !!!!\n");
        assertThatThrownBy(() -> PublicKeyFile.read(notBase64)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("not base64");
        // read as a key, a secret key file encrypts to its public key: hibernation needs no passphrase
        Path secret = Files.writeString(tmp.resolve("ok.sec"), text);
        KeyMaterial k = KeyMaterial.fromFile(secret);
        assertThat(k.isPublicKey()).isTrue();
        assertThat(k.fingerprint()).isEqualTo(SecretKeyFile.read(secret).fingerprint());
    }
}
