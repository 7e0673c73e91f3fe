package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Public-key encrypted images from the command line: keygen makes the pair, write-image encrypts to the public key
 * with nothing secret, and inspect, read-stream and resume open the image with the secret key and its passphrase; a
 * wrong passphrase leaves the image as it was.
 */
class PublicKeyCliTest {
    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static Path stream;

    @BeforeAll
    static void aStream() {
        stream = shared.resolve("k612.stream");
        Cli.Result r = Cli.run("read-stream", "-o", stream.toString(), Corpus.swap("k612-lzo").toString());
        assertThat(r.exit()).as(r.all()).isZero();
    }

    private Path[] keygen(String passphrase) throws Exception {
        Path pw = Files.writeString(tmp.resolve("pw-" + passphrase.hashCode()), passphrase + "\n");
        Path pub = tmp.resolve("image.pub");
        Path sec = tmp.resolve("image.sec");
        Cli.Result r = Cli.run("keygen", "--public", pub.toString(), "--secret", sec.toString(), "--iterations", "1000",
                "--passphrase-file", pw.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        return new Path[] {pub, sec, pw};
    }

    @Test
    void keygenMakesThePairAndANewPassphraseKeepsThePublicKey() throws Exception {
        Path[] k = keygen("first secret");
        assertThat(Files.getPosixFilePermissions(k[1])).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        String pub = Files.readString(k[0]);
        assertThat(pub).contains("torpor-x25519-public-v1");

        Cli.Result again = Cli.run("keygen", "--public", k[0].toString(), "--secret", k[1].toString(),
                "--passphrase-file", k[2].toString());
        assertThat(again.exit()).isEqualTo(ExitCodes.CANT_CREATE);
        assertThat(again.err()).contains("exists; give --force");

        Path pw2 = Files.writeString(tmp.resolve("pw2"), "second secret\n");
        Path wrong = Files.writeString(tmp.resolve("wrong"), "not it\n");
        Cli.Result bad = Cli.run("keygen", "--change-passphrase", "--secret", k[1].toString(),
                "--old-passphrase-file", wrong.toString(), "--passphrase-file", pw2.toString(), "--iterations", "1000");
        assertThat(bad.exit()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(bad.err()).contains("wrong passphrase").contains("nothing was changed");

        Cli.Result changed = Cli.run("keygen", "--change-passphrase", "--secret", k[1].toString(), "--json",
                "--old-passphrase-file", k[2].toString(), "--passphrase-file", pw2.toString(), "--iterations", "1000");
        assertThat(changed.exit()).as(changed.all()).isZero();
        JsonNode j = new ObjectMapper().readTree(changed.out());
        assertThat(j.get("iterations").asInt()).isEqualTo(1000);
        assertThat(Files.readString(k[0])).isEqualTo(pub);
        assertThat(pub).contains(j.get("fingerprint").asText());

        Cli.Result noTerminal = Cli.run("keygen", "--public", tmp.resolve("x.pub").toString(), "--secret",
                tmp.resolve("x.sec").toString());
        assertThat(noTerminal.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(noTerminal.err()).contains("--passphrase-file");
        assertThat(Files.exists(tmp.resolve("x.sec"))).isFalse();

        Cli.Result calibrated = Cli.run("keygen", "--public", tmp.resolve("c.pub").toString(), "--secret",
                tmp.resolve("c.sec").toString(), "--passphrase-file", k[2].toString());
        assertThat(calibrated.exit()).as(calibrated.all()).isZero();
        assertThat(calibrated.out()).containsPattern("PBKDF2-HMAC-SHA256, \\d+ iterations \\(about \\d+\\.\\d\\d s here\\)");
        assertThat(Cli.run("keygen", "--help").out()).contains("Examples:").contains("--change-passphrase")
                .contains("Exit codes");
    }

    @Test
    void theSecretKeyAndItsPassphraseOpenWhatThePublicKeyEncrypted() throws Exception {
        Path[] k = keygen("open sesame");
        Path area = InspectCliTest.mkswap(tmp.resolve("area.swap"), 96);
        Cli.Result w = Cli.run("write-image", "--quiet", "--encrypt", k[0].toString(), "--to", area.toString(),
                stream.toString());
        assertThat(w.exit()).as(w.all()).isZero();
        // the secret key file encrypts too, to the public key written in it, with no passphrase
        Path area2 = InspectCliTest.mkswap(tmp.resolve("area2.swap"), 96);
        assertThat(Cli.run("write-image", "--quiet", "--encrypt", k[1].toString(), "--to", area2.toString(),
                stream.toString()).exit()).isZero();
        assertThat(Cli.run("inspect", "--key", k[1].toString(), "--passphrase-file", k[2].toString(),
                area2.toString()).exit()).isZero();

        assertThat(Cli.run("inspect", area.toString()).exit()).isEqualTo(ExitCodes.ENCRYPTED);
        Cli.Result ok = Cli.run("inspect", "--key", k[1].toString(), "--passphrase-file", k[2].toString(),
                area.toString());
        assertThat(ok.exit()).as(ok.all()).isZero();
        assertThat(ok.out()).contains("units authenticated with the key");

        Path wrong = Files.writeString(tmp.resolve("wrong"), "open barley\n");
        Cli.Result no = Cli.run("inspect", "--key", k[1].toString(), "--passphrase-file", wrong.toString(),
                area.toString());
        assertThat(no.exit()).isEqualTo(ExitCodes.KEPT);
        assertThat(no.err()).contains("wrong passphrase");

        Path out = tmp.resolve("back.stream");
        Cli.Result back = Cli.run("read-stream", "--key", k[1].toString(), "--passphrase-file", k[2].toString(), "-o",
                out.toString(), area.toString());
        assertThat(back.exit()).as(back.all()).isZero();
        assertThat(Files.mismatch(out, stream)).isEqualTo(-1);

        // the public key alone cannot open it
        Cli.Result withPublic = Cli.run("inspect", "--key", k[0].toString(), area.toString());
        assertThat(withPublic.exit()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(withPublic.out()).contains("the public key cannot");
    }

    @Test
    void resumeKeepsTheImageOnAWrongPassphraseUnlessToldToDiscardIt() throws Exception {
        Path[] k = keygen("boot time");
        Path area = InspectCliTest.mkswap(tmp.resolve("resume.swap"), 96);
        assertThat(Cli.run("write-image", "--quiet", "--encrypt", k[0].toString(), "--to", area.toString(),
                stream.toString()).exit()).isZero();
        Path wrong = Files.writeString(tmp.resolve("wrong"), "boot crime\n");
        byte[] before = Files.readAllBytes(area);

        Cli.Result locked = Cli.run("resume", "--device", area.toString(), "--key", k[1].toString(),
                "--passphrase-file", wrong.toString(), "--check-only");
        assertThat(locked.exit()).as(locked.all()).isEqualTo(ExitCodes.KEPT);
        assertThat(locked.err()).contains("wrong passphrase").contains("stays in");
        assertThat(Files.readAllBytes(area)).isEqualTo(before);

        Cli.Result ok = Cli.run("resume", "--device", area.toString(), "--key", k[1].toString(),
                "--passphrase-file", k[2].toString(), "--check-only");
        // opened: what refuses it now is the header page inside the encrypted stream, written by a 256 MiB guest
        assertThat(ok.exit()).as(ok.all()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(ok.out()).contains("would be refused: the image was made on a machine with 65403 physical pages");
        assertThat(Files.readAllBytes(area)).isEqualTo(before);

        Path otherPw = Files.writeString(tmp.resolve("other-pw"), "x\n");
        Path otherSec = tmp.resolve("other.sec");
        assertThat(Cli.run("keygen", "--public", tmp.resolve("other.pub").toString(), "--secret", otherSec.toString(),
                "--iterations", "1000", "--passphrase-file", otherPw.toString()).exit()).isZero();
        Cli.Result foreign = Cli.run("resume", "--device", area.toString(), "--key", otherSec.toString(),
                "--passphrase-file", otherPw.toString(), "--check-only");
        assertThat(foreign.exit()).isEqualTo(ExitCodes.KEPT);
        assertThat(foreign.err()).contains("was encrypted to the key");
        assertThat(Files.readAllBytes(area)).isEqualTo(before);

        Cli.Result discarded = Cli.run("resume", "--device", area.toString(), "--key", k[1].toString(),
                "--passphrase-file", wrong.toString(), "--discard-on-wrong-passphrase", "--check-only");
        assertThat(discarded.exit()).isEqualTo(ExitCodes.KEPT);
        assertThat(discarded.err()).contains("invalidated as asked");
        assertThat(Cli.run("inspect", "--quick", area.toString()).exit()).isEqualTo(ExitCodes.NO_IMAGE);

        Cli.Result withPublic = Cli.run("resume", "--device", area.toString(), "--key", k[0].toString(),
                "--check-only");
        assertThat(withPublic.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(withPublic.err()).contains("cannot open them");

        // no image at all: nothing is asked
        Path plain = InspectCliTest.mkswap(tmp.resolve("plain.swap"), 8);
        Cli.Result none = Cli.run("resume", "--device", plain.toString(), "--key", k[1].toString(), "--check-only");
        assertThat(none.exit()).isEqualTo(ExitCodes.NO_IMAGE);
        assertThat(none.err()).doesNotContain("passphrase");
    }
}
