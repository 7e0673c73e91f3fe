package dev.torpor.architecture;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same layering at the level of the build: which module's pom may declare which libraries, and the
 * direction between Torpor's own modules (nothing depends upward).
 */
class ModuleDependenciesTest {
    private static final Path ROOT = Path.of(System.getProperty("torpor.testdata", "../testdata")).getParent();

    private static final Map<String, List<String>> ALLOWED = Map.of(
            "snapshot-api", List.of(),
            "swap-format", List.of("torpor-snapshot-api"),
            "image-io", List.of("torpor-swap-format", "aircompressor", "slf4j-api", "micrometer-core",
                    "jackson-databind:test", "jazzer-junit:test"),
            "platform-linux", List.of("torpor-snapshot-api", "jna", "jna-platform"),
            "hibernation", List.of("torpor-image-io", "torpor-platform-linux", "torpor-image-io:test"),
            "tools", List.of("torpor-image-io", "torpor-platform-linux", "torpor-hibernation", "picocli", "jackson-databind", "slf4j-simple",
                    "slf4j-api", "torpor-image-io:test", "jazzer-junit:test"));

    @Test
    void modulesDeclareOnlyWhatTheirLayerMayUse() throws Exception {
        for (Map.Entry<String, List<String>> e : ALLOWED.entrySet()) {
            String pom = Files.readString(ROOT.resolve(e.getKey()).resolve("pom.xml"));
            Matcher m = Pattern.compile("<dependency>\\s*<groupId>[^<]+</groupId>\\s*<artifactId>([^<]+)</artifactId>"
                    + "(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
            while (m.find()) {
                String id = m.group(1) + (m.group(2).contains("<scope>test</scope>") ? ":test" : "");
                assertThat(e.getValue()).as(e.getKey() + " may not declare " + id).contains(id);
            }
        }
    }
}
