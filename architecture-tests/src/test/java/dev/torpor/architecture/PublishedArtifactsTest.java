package dev.torpor.architecture;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an integrator gets from each library artifact the build has just made in the reactor: a jar whose manifest
 * names its JPMS module and version, a sources jar with the source of every class, a javadoc jar, and a POM with
 * licence, url, scm and developers.
 */
class PublishedArtifactsTest {
    static final Path ROOT = Path.of(System.getProperty("torpor.root", ".."));
    static final String VERSION = System.getProperty("torpor.version", "0.1.0-SNAPSHOT");

    @ParameterizedTest
    @CsvSource({
            "snapshot-api, dev.torpor.snapshot.api, true",
            "swap-format, dev.torpor.swap.format, true",
            "image-io, dev.torpor.image.io, true",
            "platform-linux, dev.torpor.platform.linux, true",
            "hibernation, dev.torpor.hibernation, true",
            "tools, dev.torpor.tools, false"})
    void everyLibraryShipsItsModuleNameVersionSourcesAndJavadoc(String module, String moduleName,
                                                               boolean moduleJavadoc) throws IOException {
        Path jar = artifact(module, "");
        try (JarFile j = new JarFile(jar.toFile())) {
            Manifest m = j.getManifest();
            assertThat(m.getMainAttributes().getValue("Automatic-Module-Name")).isEqualTo(moduleName);
            assertThat(m.getMainAttributes().getValue("Implementation-Version")).isEqualTo(VERSION);
            List<String> classes = j.stream().map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.equals("module-info.class")).toList();
            assertThat(classes).as(jar + " holds classes").isNotEmpty();
            assertThat(classes).allMatch(n -> n.startsWith(moduleName.replace('.', '/') + "/"),
                    "every class lives under the module's name");
            try (JarFile sources = new JarFile(artifact(module, "-sources").toFile())) {
                for (String c : classes) {
                    String java = c.substring(0, c.length() - ".class".length()) + ".java";
                    assertThat(sources.getEntry(java)).as("source of " + c).isNotNull();
                }
            }
        }
        try (JarFile javadoc = new JarFile(artifact(module, "-javadoc").toFile())) {
            assertThat(javadoc.getEntry("index.html")).isNotNull();
            // javadoc files a module's pages under the module's name; the CLI's javadoc runs on the class path
            String page = moduleName.replace('.', '/') + "/package-summary.html";
            assertThat(javadoc.stream().map(ZipEntry::getName))
                    .contains(moduleJavadoc ? moduleName + "/" + page : page);
        }
    }

    @Test
    void thePomTellsLicenceUrlScmAndDevelopers() throws Exception {
        Document pom = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
                .parse(ROOT.resolve("pom.xml").toFile());
        var xpath = XPathFactory.newDefaultInstance().newXPath();
        for (String path : List.of("/project/url", "/project/licenses/license/name", "/project/licenses/license/url",
                "/project/scm/url", "/project/scm/connection", "/project/developers/developer/name",
                "/project/description", "/project/properties/project.build.outputTimestamp")) {
            assertThat(xpath.evaluate(path, pom).strip()).as(path).isNotEmpty();
        }
    }

    @Test
    void theWrapperChecksTheMavenItDownloads() throws IOException {
        String props = Files.readString(ROOT.resolve(".mvn/wrapper/maven-wrapper.properties"));
        assertThat(props).containsPattern("(?m)^distributionSha256Sum=[0-9a-f]{64}$");
    }

    static Path artifact(String module, String classifier) {
        Path p = ROOT.resolve(module).resolve("target").resolve("torpor-" + module + "-" + VERSION + classifier + ".jar");
        assertThat(p).as("%s: build the reactor first (./mvnw install -DskipTests)", p).isRegularFile();
        return p;
    }
}
