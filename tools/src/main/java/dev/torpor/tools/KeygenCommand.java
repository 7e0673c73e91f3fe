package dev.torpor.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.image.io.encrypted.KeyFileException;
import dev.torpor.image.io.encrypted.PublicKeyFile;
import dev.torpor.image.io.encrypted.SecretKeyFile;
import dev.torpor.image.io.encrypted.X25519;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code torpor keygen}. */
@Command(name = "keygen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make the key pair of public-key encrypted hibernation: hibernate encrypts each image to the "
                + "public key, so nothing secret is on the machine while it runs, and resume opens it with the secret "
                + "key, which is sealed under a passphrase asked for at boot.", "",
                "The public key goes to /etc/torpor/image.pub, the secret key to /etc/torpor/image.sec (mode "
                        + "0600). Name the secret key in the config file (key-file = /etc/torpor/image.sec): hibernate "
                        + "encrypts to the public key written in it, with no passphrase, and the initramfs gets a copy "
                        + "for resume, which asks for the passphrase. The public key alone serves hibernate --encrypt "
                        + "(another machine's, say). The passphrase is asked twice on the terminal (or read from --passphrase-file). It is turned "
                        + "into the sealing key with PBKDF2-HMAC-SHA256; the count is calibrated to about one second "
                        + "on this machine (at least 600000) unless --iterations gives it.", "",
                "--change-passphrase re-seals the same secret key under a new passphrase: the public key, and every "
                        + "image already encrypted to it, stay valid.", "",
                "Exit codes: 0 done, 2 wrong passphrase (--change-passphrase), 64 usage error (no terminal to ask "
                        + "on, passphrases that differ), 73 a key file exists (give --force), 74 I/O error."},
        footer = {"", "Examples:", "  torpor keygen", "  torpor keygen --change-passphrase",
                "  torpor keygen --public /tmp/test.pub --secret /tmp/test.sec --passphrase-file pw.txt"})
final class KeygenCommand implements Callable<Integer> {
    static final int MIN_ITERATIONS = 600_000;

    @Option(names = "--public", paramLabel = "FILE", defaultValue = "/etc/torpor/image.pub",
            description = "Where the public key goes. Default: ${DEFAULT-VALUE}.")
    Path publicFile;

    @Option(names = "--secret", paramLabel = "FILE", defaultValue = "/etc/torpor/image.sec",
            description = "Where the sealed secret key goes (mode 0600). Default: ${DEFAULT-VALUE}.")
    Path secretFile;

    @Option(names = "--iterations", paramLabel = "N",
            description = "PBKDF2 iterations for the passphrase. Default: calibrated to about one second here.")
    Integer iterations;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the (new) passphrase from the first line of FILE instead of asking.")
    Path passphraseFile;

    @Option(names = "--change-passphrase", description = "Re-seal the existing secret key under a new passphrase.")
    boolean change;

    @Option(names = "--old-passphrase-file", paramLabel = "FILE",
            description = "With --change-passphrase: read the current passphrase from FILE instead of asking.")
    Path oldPassphraseFile;

    @Option(names = "--force", description = "Replace key files that exist.")
    boolean force;

    @Option(names = "--json", description = "Print one JSON object instead of the readable report.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SecureRandom random = new SecureRandom();
        byte[] privateKey;
        if (change) {
            SecretKeyFile old = SecretKeyFile.read(secretFile);
            Passphrases asker = new Passphrases(Optional.ofNullable(oldPassphraseFile), err);
            Optional<char[]> current = asker.ask("Current passphrase of " + secretFile + ": ");
            if (current.isEmpty()) {
                throw new IllegalArgumentException("no terminal to ask for the current passphrase on; give "
                        + "--old-passphrase-file");
            }
            try {
                privateKey = old.open(current.get());
            } catch (KeyFileException.WrongPassphrase e) {
                err.println("torpor: " + e.getMessage() + "; nothing was changed");
                return ExitCodes.CORRUPT;
            } finally {
                Arrays.fill(current.get(), '\0');
            }
        } else {
            for (Path p : new Path[] {publicFile, secretFile}) {
                if (Files.exists(p) && !force) {
                    throw new FileAlreadyExistsException(p.toString());
                }
            }
            privateKey = X25519.newPrivateKey(random);
        }
        Optional<char[]> passphrase = new Passphrases(Optional.ofNullable(passphraseFile), err)
                .askNew("the hibernation secret key");
        if (passphrase.isEmpty()) {
            throw new IllegalArgumentException("no passphrase: run keygen on a terminal, or give --passphrase-file");
        }
        int count;
        double seconds;
        if (iterations != null) {
            count = iterations;
            seconds = pbkdf2Seconds(count);
        } else {
            double perIteration = pbkdf2Seconds(100_000) / 100_000;
            count = (int) Math.min(10_000_000, Math.max(MIN_ITERATIONS, Math.round(1.0 / perIteration / 1000) * 1000));
            seconds = perIteration * count;
        }
        SecretKeyFile sealed = SecretKeyFile.seal(privateKey, passphrase.get(), count, random);
        Arrays.fill(passphrase.get(), '\0');
        Arrays.fill(privateKey, (byte) 0);
        write(secretFile, sealed.text(), true);
        String fingerprint = X25519.show(sealed.fingerprint());
        if (!change) {
            write(publicFile, new PublicKeyFile(sealed.publicKey()).text(), false);
        }
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("public", change ? null : publicFile.toString());
            o.put("secret", secretFile.toString());
            o.put("fingerprint", fingerprint);
            o.put("kdf", "pbkdf2-hmac-sha256");
            o.put("iterations", count);
            o.put("seconds", Math.round(seconds * 1000) / 1000.0);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
        } else {
            if (!change) {
                out.printf("public key: %s (fingerprint %s): what hibernate encrypts to%n", publicFile,
                        fingerprint);
            }
            out.printf("secret key: %s, sealed under the passphrase with PBKDF2-HMAC-SHA256, %d iterations (about "
                    + "%.2f s here)%s%n", secretFile, count, seconds, change ? "; the public key is unchanged" : "");
            if (!change) {
                out.printf("next: key-file = %s in /etc/torpor/torpor.conf (hibernate encrypts to the public key it "
                        + "names, with no passphrase; resume asks for the passphrase), then update-initramfs -u%n",
                        secretFile);
            }
        }
        return ExitCodes.OK;
    }

    /** Seconds of one PBKDF2-HMAC-SHA256 derivation of {@code n} iterations here. */
    static double pbkdf2Seconds(int n) {
        long t0 = System.nanoTime();
        dev.torpor.image.io.encrypted.KeyMaterial.pbkdf2("calibration".toCharArray(), new byte[16], n);
        return Math.max(1e-6, (System.nanoTime() - t0) / 1e9);
    }

    /** Writes {@code text} to {@code file} through a temporary file beside it, so a failure leaves no half key. */
    private static void write(Path file, String text, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".torpor-key-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------"
                        : "rw-r--r--")));
        try {
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
