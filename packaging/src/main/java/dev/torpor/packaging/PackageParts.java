package dev.torpor.packaging;

import dev.torpor.tools.Torpor;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Makes what the Debian package holds besides its static files, under one output folder: {@code runtime/} (jlink),
 * {@code libjnidispatch.so}, {@code libtorpor-native.so}, {@code man/torpor*.1.gz}, {@code completion/torpor} and {@code changelog.gz}.
 * Arguments: the output folder, torpor.jar, the Debian version, the date of the changelog entry (RFC 5322).
 */
public final class PackageParts {
    /** What torpor needs of the JDK (see the guest kit's runtime, which uses the same list). */
    static final String MODULES = Torpor.RUNTIME_MODULES;

    private PackageParts() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Path jar = Path.of(args[1]);
        String version = args[2];
        String date = args[3];
        delete(out);
        Files.createDirectories(out);
        runtime(out.resolve("runtime"));
        Files.write(out.resolve("libjnidispatch.so"), fromJar(jar, "com/sun/jna/linux-x86-64/libjnidispatch.so"));
        // Torpor's JNI part (the per-page calls, LZO), unpacked too: initramfs-tools has no /tmp to extract it into
        Files.write(out.resolve("libtorpor-native.so"), fromJar(jar, "META-INF/native/linux-x86_64/libtorpor-native.so"));
        strip(out);
        Path man = Files.createDirectories(out.resolve("man"));
        for (Map.Entry<String, String> p : ManPages.of(Torpor.commandLine(), version, date.substring(0, 16).strip())
                .entrySet()) {
            Files.write(man.resolve(p.getKey() + ".1.gz"), gzip(p.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        Path completion = Files.createDirectories(out.resolve("completion"));
        // sourced by bash-completion, never run: no #! line
        Files.writeString(completion.resolve("torpor"), AutoComplete.bash("torpor", Torpor.commandLine())
                .replaceFirst("^#!.*\n", ""));
        String changelog = "torpor (" + version + ") unstable; urgency=medium\n\n"
                + "  * Built from the Torpor source tree.\n\n -- The Torpor authors <torpor@torpor.dev>  " + date + "\n";
        Files.write(out.resolve("changelog.gz"), gzip(changelog.getBytes(StandardCharsets.UTF_8)));
    }

    /** A jlink image of {@link #MODULES} from the JDK running this build, with its class-data-sharing archive. */
    static void runtime(Path dir) throws IOException {
        ToolProvider jlink = ToolProvider.findFirst("jlink")
                .orElseThrow(() -> new IOException("the build's JDK has no jlink; build with a full JDK"));
        StringWriter log = new StringWriter();
        int rc = jlink.run(new PrintWriter(log), new PrintWriter(log), "--add-modules", MODULES, "--strip-debug",
                "--no-man-pages", "--no-header-files", "--compress=2", "--generate-cds-archive",
                "--output", dir.toString());
        if (rc != 0) {
            throw new IOException("jlink failed (" + rc + "): " + log);
        }
        // the launcher's heap uses compressed oops; the other archive would only take room
        Files.deleteIfExists(dir.resolve("lib/server/classes_nocoops.jsa"));
    }

    static byte[] fromJar(Path jar, String entry) throws IOException {
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                if (e.getName().equals(entry)) {
                    return z.readAllBytes();
                }
            }
        }
        throw new IOException(jar + " has no " + entry);
    }

    /**
     * gzip -9n: best compression, no name, no time, so that two builds give the same bytes; the header says "best
     * compression" (XFL 2) and "Unix" (OS 3), as gzip's own does, which lintian checks.
     */
    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try (DeflaterOutputStream d = new DeflaterOutputStream(b, deflater)) {
            d.write(data);
        } finally {
            deflater.end();
        }
        CRC32 crc = new CRC32();
        crc.update(data);
        ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt(data.length);
        b.write(trailer.array());
        return b.toByteArray();
    }

    /** Strips every ELF file under {@code dir} as Debian's dh_strip does (its debug symbols have no place here). */
    static void strip(Path dir) throws IOException {
        List<String> elves = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                byte[] head = new byte[4];
                try (InputStream in = Files.newInputStream(p)) {
                    if (in.read(head) == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F') {
                        elves.add(p.toString());
                    }
                }
            }
        }
        List<String> cmd = new ArrayList<>(List.of("strip", "--strip-unneeded", "--remove-section=.comment",
                "--remove-section=.note"));
        cmd.addAll(elves);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("strip failed: " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stripping", e);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
