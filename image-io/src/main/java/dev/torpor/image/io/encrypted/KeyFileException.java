package dev.torpor.image.io.encrypted;

import java.io.IOException;

/** A key file that cannot be used: not a key file, damaged, or (for a secret key) the wrong passphrase. */
public class KeyFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public KeyFileException(String message) {
        super(message);
    }

    /** The passphrase did not open the secret key: the file is intact, the passphrase is not its own. */
    public static final class WrongPassphrase extends KeyFileException {
        private static final long serialVersionUID = 1L;

        public WrongPassphrase(String message) {
            super(message);
        }
    }
}
