package dev.torpor.tools.qemu;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Manual trial: java -cp ... GuestTrial MODE-ARGS... (not a test). */
public final class GuestTrial {
    public static void main(String[] a) throws Exception {
        GuestKit kit = GuestKit.prepare(Path.of("tools/target/qemu"), "linux-image-amd64").withJava(Path.of("tools/target/torpor.jar"));
        Path disk = Path.of("/tmp/trial.img");
        if (a[0].equals("fresh")) {
            Files.deleteIfExists(disk);
            try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
                f.setLength(512L << 20);
            }
            GuestKit.run(Path.of("."), "mkswap", disk.toString());
            return;
        }
        long t = System.nanoTime();
        System.out.println(kit.boot(disk, String.join(" ", a), 900, true));
        System.out.printf("BOOT TOOK %.1f s%n", (System.nanoTime() - t) / 1e9);
    }
}
