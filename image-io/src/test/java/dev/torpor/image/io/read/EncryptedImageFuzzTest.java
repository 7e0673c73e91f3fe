package dev.torpor.image.io.read;

import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.encrypted.KeyMaterial;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Coverage-guided fuzzing of Torpor's encrypted image kind: any bytes as a swap area, opened, and if it carries the
 * encrypted kind's signature, verified and decrypted with the seeds' key. A damaged or forged image may only be
 * refused ({@link ImageFormatException}); nothing decrypted may come out of an image that fails verification.
 * Seeds: tiny emulated encrypted images ({@link FuzzSeeds}).
 */
class EncryptedImageFuzzTest {
    private static final Path DIR = FuzzFiles.dir("encrypted");
    private static final KeyMaterial KEY = KeyMaterial.rawKey(FuzzSeeds.KEY);

    @FuzzTest(maxDuration = "60s")
    void decrypt(byte[] data) throws IOException {
        Path area = Files.write(DIR.resolve("area"), data);
        try (HibernationImage image = HibernationImage.open(FileChannel.open(area, StandardOpenOption.READ),
                data.length, "fuzz", ReadOptions.defaults())) {
            Optional<EncryptedImage> sealed = image.encrypted();
            if (sealed.isEmpty()) {
                return;
            }
            ImageReaderFuzzTest.refusedOnly(() -> sealed.get().header());
            ImageReaderFuzzTest.refusedOnly(() -> {
                sealed.get().verify(KEY);
                PageSource pages = sealed.get().pagesAfterVerify(KEY);
                while (pages.next() != null) {
                    // every page decrypted
                }
                return null;
            });
        }
    }
}
