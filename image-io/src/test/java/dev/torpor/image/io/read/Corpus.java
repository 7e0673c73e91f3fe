package dev.torpor.image.io.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real kernel images in {@code testdata/corpus}, inflated once per build into {@code target/}. */
public final class Corpus {
    public static final List<String> NAMES = List.of("k61-lzo", "k61-nocompress", "k612-lzo");

    private Corpus() {
    }

    public static Path dir() {
        String p = System.getProperty("torpor.testdata");
        Path base = p != null ? Path.of(p) : Path.of("..", "testdata");
        return base.resolve("corpus");
    }

    /** The inflated swap area (a sparse file under target/corpus). */
    public static synchronized Path swap(String name) {
        try {
            Path out = Path.of("target", "corpus", name + ".swap");
            Path gz = dir().resolve(name + ".swap.gz");
            if (!Files.exists(out) || Files.getLastModifiedTime(out).compareTo(Files.getLastModifiedTime(gz)) < 0) {
                Files.createDirectories(out.getParent());
                Path tmp = out.resolveSibling(name + ".tmp");
                GzipSources.inflateSparse(gz, tmp);
                Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode expected(String name) {
        try {
            return new ObjectMapper().readTree(dir().resolve(name + ".expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tagged page: index, PFN after resume, and its 32-byte tag. */
    public record Tag(int index, long pfn, String tag) {
    }

    /** The tags of the hibernate log, placed at the PFNs the resume log reports. */
    public static List<Tag> tags(String name) {
        try {
            String hib = Files.readString(dir().resolve(name + ".hibernate.log"));
            String res = Files.readString(dir().resolve(name + ".resume.log"));
            Matcher t = Pattern.compile("PFNMARK (\\d+) pfn=\\d+ present=1 tag=(\\S+)").matcher(hib);
            java.util.Map<Integer, String> tagByIndex = new java.util.HashMap<>();
            while (t.find()) {
                tagByIndex.put(Integer.parseInt(t.group(1)), t.group(2));
            }
            Matcher a = Pattern.compile("PFNMARK-AFTER (\\d+) pfn=(\\d+)").matcher(res);
            java.util.List<Tag> tags = new java.util.ArrayList<>();
            while (a.find()) {
                int i = Integer.parseInt(a.group(1));
                tags.add(new Tag(i, Long.parseLong(a.group(2)), tagByIndex.get(i)));
            }
            return tags;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The secret line the guest kept in a RAM file. */
    public static String secret(String name) {
        try {
            Matcher m = Pattern.compile("VMLAB-SECRET [^\\n]+").matcher(Files.readString(dir().resolve(name + ".hibernate.log")));
            if (!m.find()) {
                throw new IllegalStateException("no secret in " + name);
            }
            return m.group().trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
