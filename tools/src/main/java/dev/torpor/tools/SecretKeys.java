package dev.torpor.tools;

import dev.torpor.image.io.encrypted.KeyFileException;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.encrypted.SecretKeyFile;
import dev.torpor.image.io.encrypted.X25519;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * The key a command that reads an image was given: a secret key file is opened with its passphrase (up to
 * {@code attempts} tries where it is typed), any other key file is read as {@link KeyMaterial#fromFile} reads it.
 */
final class SecretKeys {
    /** Tries at a typed passphrase, as the issue of public-key images asks. */
    static final int ATTEMPTS = 3;

    private SecretKeys() {
    }

    /** The key, or empty when the passphrase was not given right (wrong {@code attempts} times, or nothing to ask). */
    static Optional<KeyMaterial> open(Path keyFile, Optional<Path> passphraseFile, PrintWriter err, int attempts)
            throws IOException {
        if (!SecretKeyFile.is(keyFile)) {
            return Optional.of(KeyMaterial.fromFile(keyFile));
        }
        SecretKeyFile secret = SecretKeyFile.read(keyFile);
        Passphrases asker = new Passphrases(passphraseFile, err);
        String prompt = "Passphrase of the hibernation key " + X25519.show(secret.fingerprint()).substring(0, 23)
                + "...: ";
        int tries = asker.interactive() ? attempts : 1;
        for (int i = 1; i <= tries; i++) {
            Optional<char[]> pass = asker.ask(prompt);
            if (pass.isEmpty()) {
                err.println("torpor: no passphrase for " + keyFile + " (no answer, or no terminal and no "
                        + "systemd-ask-password to ask on; --passphrase-file gives it)");
                return Optional.empty();
            }
            try {
                byte[] key = secret.open(pass.get());
                try {
                    return Optional.of(KeyMaterial.privateKey(key));
                } catch (java.security.InvalidKeyException e) {
                    throw new KeyFileException(keyFile + " holds no usable X25519 key: " + e.getMessage());
                } finally {
                    Arrays.fill(key, (byte) 0);
                }
            } catch (KeyFileException.WrongPassphrase e) {
                err.println("torpor: wrong passphrase" + (i < tries ? " (" + (tries - i) + " more "
                        + (tries - i == 1 ? "try" : "tries") + ")" : ""));
                err.flush();
            } finally {
                Arrays.fill(pass.get(), '\0');
            }
        }
        return Optional.empty();
    }
}
