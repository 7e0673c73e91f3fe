package dev.torpor.site;

import dev.torpor.tools.Torpor;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The built site: every page there, the CLI reference equal to the CLI's help, every local link resolving. */
class SiteTest {
    private static final Path SITE = Path.of(System.getProperty("torpor.site", "target/site"));

    @Test
    void everyPageOfTheNavigationExists() {
        for (String[] n : SiteBuilder.NAV) {
            assertThat(SITE.resolve(n[0])).isRegularFile();
        }
        assertThat(SITE.resolve("apidocs/index.html")).isRegularFile();
    }

    @Test
    void cliReferenceIsTheCliHelp() throws IOException {
        String cli = Files.readString(SITE.resolve("cli.html"));
        CommandLine root = Torpor.commandLine();
        for (String sub : List.of("inspect", "extract", "bench")) {
            String usage = root.getSubcommands().get(sub).getUsageMessage(CommandLine.Help.Ansi.OFF);
            assertThat(cli).contains(SiteBuilder.esc(usage));
        }
        assertThat(cli).contains("--resume-offset").contains("--format").contains("--quick");
    }

    @Test
    void everyLocalLinkResolves() throws IOException {
        List<Path> pages;
        try (Stream<Path> s = Files.list(SITE)) {
            pages = s.filter(p -> p.toString().endsWith(".html")).toList();
        }
        assertThat(pages).hasSizeGreaterThanOrEqualTo(5);
        Pattern href = Pattern.compile("href=\"([^\"#:]+)(#[^\"]*)?\"");
        for (Path page : pages) {
            Matcher m = href.matcher(Files.readString(page));
            while (m.find()) {
                assertThat(SITE.resolve(m.group(1))).as(page.getFileName() + " links " + m.group(1)).exists();
            }
        }
    }

    @Test
    void theApiPageShowsTheCompiledSnippets() throws IOException {
        String api = Files.readString(SITE.resolve("api.html"));
        assertThat(api).contains("HibernationImage.open(swap)").contains("SwapArea.open(swapFile)")
                .contains("Hibernator.Plan.builder(TargetProfile.X86_64, swapDevice)").doesNotContain("{{snippet")
                .doesNotContain("// end");
    }

    @Test
    void formatPageIsRendered() throws IOException {
        String format = Files.readString(SITE.resolve("format.html"));
        assertThat(format).contains("<table>").contains("S1SUSPEND").contains("crc32_le");
    }
}
