package dev.torpor.tools;

import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** read-stream → write-image (into a real mkswap area) → inspect → read-stream, and invalidate, through the CLI. */
class WritePathCliTest {

    @TempDir
    Path tmp;

    @Test
    void aTargetThatIsNoSwapAreaIsAUsageErrorNotACorruptImage() throws Exception {
        Path stream = tmp.resolve("k612.stream");
        assertThat(Cli.run("read-stream", Corpus.swap("k612-lzo").toString(), "-o", stream.toString()).exit())
                .isZero();
        Path plain = Files.write(tmp.resolve("plain.img"), new byte[1 << 20]);
        Cli.Result r = Cli.run("write-image", stream.toString(), "--to", plain.toString());
        assertThat(r.exit()).as(r.all()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("not a swap area: no swap signature at byte 4086").contains("run mkswap first")
                .doesNotContain("corrupt").doesNotContain("Exception");
        assertThat(Files.readAllBytes(plain)).as("nothing written").containsOnly(0);
    }

    @Test
    void roundTripThroughTheCli() throws Exception {
        Path stream = tmp.resolve("k612.stream");
        Cli.Result read = Cli.run("read-stream", Corpus.swap("k612-lzo").toString(), "-o", stream.toString());
        assertThat(read.exit()).as(read.all()).isZero();
        assertThat(read.out()).contains("14594 pages");
        assertThat(Files.size(stream)).isEqualTo(14594L * 4096);

        Path area = InspectCliTest.mkswap(tmp.resolve("area.swap"), 96);
        Cli.Result write = Cli.run("write-image", stream.toString(), "--to", area.toString(), "--compress", "lz4",
                "--threads", "2");
        assertThat(write.exit()).as(write.all()).isZero();
        assertThat(write.out()).contains("wrote 14594 pages (lz4").contains("flags 0x14");
        assertThat(write.err()).contains("image saving progress: 100%");

        Cli.Result inspect = Cli.run("inspect", area.toString());
        assertThat(inspect.exit()).as(inspect.all()).isZero();
        assertThat(inspect.out()).contains("CRC32:         computed 0x7315999d, ok").contains("2808 zero PFNs");

        Path again = tmp.resolve("again.stream");
        assertThat(Cli.run("read-stream", area.toString(), "-o", again.toString()).exit()).isZero();
        assertThat(Files.mismatch(stream, again)).isEqualTo(-1L);

        Cli.Result refused = Cli.run("write-image", stream.toString(), "--to", area.toString());
        assertThat(refused.exit()).as("a state to resolve, not damage").isEqualTo(ExitCodes.DATA_ERROR);
        assertThat(refused.err()).contains("already holds a S1SUSPEND image").contains("invalidate it first")
                .doesNotContain("corrupt");

        Cli.Result inval = Cli.run("invalidate", area.toString());
        assertThat(inval.exit()).isZero();
        assertThat(inval.out()).contains("SWAPSPACE2 restored");
        assertThat(Cli.run("inspect", area.toString()).exit()).isEqualTo(1);
        assertThat(Cli.run("invalidate", area.toString()).exit()).isEqualTo(1);
        // the invalidated image's pages still hold its data: refused, unless the area is known to be unused
        Cli.Result used = Cli.run("write-image", stream.toString(), "--to", area.toString(), "--quiet");
        assertThat(used.exit()).as(used.all()).isEqualTo(ExitCodes.DATA_ERROR);
        assertThat(used.err()).contains("holds data", "--overwrite-used-pages");
        assertThat(Cli.run("write-image", stream.toString(), "--to", area.toString(), "--quiet",
                "--overwrite-used-pages").exit()).isZero();
        assertThat(Cli.run("inspect", area.toString()).exit()).isZero();
    }

    @Test
    void aTooSmallAreaStaysAPlainSwapArea() throws Exception {
        Path stream = tmp.resolve("k61.stream");
        assertThat(Cli.run("read-stream", Corpus.swap("k61-nocompress").toString(), "-o", stream.toString(),
                "--allow-swapped-out").exit())
                .isZero();
        Path area = InspectCliTest.mkswap(tmp.resolve("small.swap"), 16);
        Cli.Result r = Cli.run("write-image", stream.toString(), "--to", area.toString(), "--compress", "none");
        assertThat(r.exit()).isEqualTo(74);
        assertThat(r.err()).contains("ENOSPC");
        assertThat(Cli.run("inspect", area.toString()).exit()).isEqualTo(1);
    }

    @Test
    void notAStream() throws Exception {
        Path junk = Files.write(tmp.resolve("junk"), new byte[8192]);
        Path area = InspectCliTest.mkswap(tmp.resolve("a.swap"), 4);
        Cli.Result r = Cli.run("write-image", junk.toString(), "--to", area.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not a snapshot header page");
        assertThat(Cli.run("write-image", junk.toString(), "--to", area.toString(), "--compress", "zip").exit())
                .isEqualTo(64);
    }

    @Test
    void encryptedImagesThroughTheCli() throws Exception {
        Path stream = tmp.resolve("k61.stream");
        assertThat(Cli.run("read-stream", Corpus.swap("k61-lzo").toString(), "-o", stream.toString(),
                "--allow-swapped-out").exit()).isZero();
        Path key = Files.writeString(tmp.resolve("passphrase"), "hibernate safely\n");
        Path area = InspectCliTest.mkswap(tmp.resolve("enc.swap"), 96);
        Cli.Result w = Cli.run("write-image", stream.toString(), "--to", area.toString(), "--encrypt", key.toString(),
                "--kdf-iterations", "2000");
        assertThat(w.exit()).as(w.all()).isZero();
        assertThat(w.out()).contains("encrypted Torpor image").contains("619 units");

        Cli.Result plain = Cli.run("inspect", area.toString());
        assertThat(plain.exit()).as("its own verdict, not foreign").isEqualTo(ExitCodes.ENCRYPTED);
        assertThat(plain.out()).contains("Torpor encrypted image");
        assertThat(Cli.run("inspect", "--json", area.toString()).out()).contains("\"kind\" : \"torpor\"")
                .contains("\"verdict\" : \"torpor-encrypted\"");
        Cli.Result verified = Cli.run("inspect", "--key", key.toString(), area.toString());
        assertThat(verified.exit()).as(verified.all()).isZero();
        assertThat(verified.out()).contains("all 619 units authenticated");
        Path wrong = Files.writeString(tmp.resolve("wrong"), "hibernate unsafely\n");
        Cli.Result refused = Cli.run("inspect", "--key", wrong.toString(), area.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.out()).contains("fails authentication");

        Path back = tmp.resolve("back.stream");
        assertThat(Cli.run("read-stream", area.toString(), "-o", back.toString()).exit()).isEqualTo(64);
        assertThat(Cli.run("read-stream", area.toString(), "-o", back.toString(), "--key", key.toString()).exit())
                .isZero();
        assertThat(Files.mismatch(stream, back)).isEqualTo(-1L);
        assertThat(Cli.run("invalidate", area.toString()).exit()).isZero();
        assertThat(Cli.run("inspect", area.toString()).exit()).isEqualTo(1);
    }
}
