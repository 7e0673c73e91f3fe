package dev.torpor.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code torpor.mode=} a guest test boots with has its own case in the guest init. A missing case falls
 * through to the kernel's resume and only shows, minutes later, as a guest that printed nothing expected.
 */
class GuestInitTest {
    /** Modes that deliberately take the init's default case (the kernel's own resume). */
    private static final Set<String> DEFAULT_CASE = Set.of("resume");

    @Test
    void everyModeTheGuestTestsBootHasACase() throws IOException {
        String init = init();
        Set<String> cases = matches(Pattern.compile("(?m)^  ([a-z]+)\\)$"), init);
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                used.addAll(matches(Pattern.compile("torpor\\.mode=([a-z]+)"), Files.readString(p)));
            }
        }
        used.removeAll(DEFAULT_CASE);
        assertThat(used).as("modes the tests and demo use").isNotEmpty();
        assertThat(cases).as("cases in the guest init").containsAll(used);
    }

    private static String init() throws IOException {
        try (InputStream in = GuestInitTest.class.getResourceAsStream("/dev/torpor/guest/init")) {
            assertThat(in).as("the init resource").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
