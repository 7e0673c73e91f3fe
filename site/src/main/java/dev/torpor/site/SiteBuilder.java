package dev.torpor.site;

import dev.torpor.guest.demo.DemoMain;
import dev.torpor.tools.Torpor;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes the site: each {@code *.md} page of the source folder as HTML with a common frame and navigation,
 * and {@code cli.html} generated from the CLI's own command model (so it cannot drift from the tool).
 */
public final class SiteBuilder {
    static final List<String[]> NAV = List.of(
            new String[] {"index.html", "Home"},
            new String[] {"format.html", "Image format"},
            new String[] {"admin.html", "Administrators"},
            new String[] {"hibernate.html", "Hibernate and resume"},
            new String[] {"safety.html", "Nothing lost"},
            new String[] {"security.html", "Encryption"},
            new String[] {"cli.html", "CLI reference"},
            new String[] {"api.html", "API (javadoc)"},
            new String[] {"architecture.html", "Architecture"},
            new String[] {"performance.html", "Performance"});

    private SiteBuilder() {
    }

    public static void main(String[] args) throws IOException {
        Path pages = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        Parser parser = Parser.builder().extensions(List.of(TablesExtension.create())).build();
        HtmlRenderer renderer = HtmlRenderer.builder().extensions(List.of(TablesExtension.create())).build();
        List<Path> sources;
        try (Stream<Path> s = Files.list(pages)) {
            sources = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        for (Path md : sources) {
            String name = md.getFileName().toString().replace(".md", ".html");
            String body = renderer.render(parser.parse(snippets(expand(Files.readString(md)),
                    pages.resolveSibling("test").resolve("java/dev/torpor/site/ApiSnippetsTest.java"))));
            Files.writeString(out.resolve(name), frame(title(Files.readString(md)), body));
        }
        Files.writeString(out.resolve("cli.html"), frame("CLI reference", cliReference(DemoMain.commandLine())));
        Files.writeString(out.resolve("style.css"), CSS);
    }

    /** Replaces {@code {{jvm.options:NAME}}} with that line of torpor's jvm.options, so the site cannot drift. */
    static String expand(String markdown) {
        return java.util.regex.Pattern.compile("\\{\\{jvm\\.options:(\\w+)}}").matcher(markdown)
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(Torpor.jvmOptions(m.group(1))));
    }

    /**
     * Replaces {@code {{snippet:NAME}}} with the code between {@code // snippet:NAME} and {@code // end} in
     * {@code source} (ApiSnippetsTest, which compiles and runs it), without its common indentation.
     */
    static String snippets(String markdown, Path source) throws IOException {
        if (!markdown.contains("{{snippet:")) {
            return markdown;
        }
        List<String> lines = Files.readAllLines(source);
        return java.util.regex.Pattern.compile("\\{\\{snippet:([\\w-]+)}}").matcher(markdown).replaceAll(m -> {
            int start = lines.indexOf(lines.stream().filter(l -> l.strip().equals("// snippet:" + m.group(1)))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("no snippet " + m.group(1)
                            + " in " + source)));
            List<String> code = new ArrayList<>();
            for (int i = start + 1; i < lines.size() && !lines.get(i).strip().equals("// end"); i++) {
                code.add(lines.get(i));
            }
            int indent = code.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                    .min().orElse(0);
            StringBuilder b = new StringBuilder();
            for (String l : code) {
                b.append(l.length() >= indent ? l.substring(indent) : l.strip()).append('\n');
            }
            return java.util.regex.Matcher.quoteReplacement(b.toString().stripTrailing());
        });
    }

    private static String title(String markdown) {
        return markdown.lines().filter(l -> l.startsWith("# ")).findFirst().map(l -> l.substring(2)).orElse("Torpor");
    }

    /** The CLI reference: for every command its usage exactly as {@code --help} prints it, then its options. */
    static String cliReference(CommandLine root) {
        StringBuilder b = new StringBuilder("<h1>CLI reference</h1>\n<p>Generated from the command model of ")
                .append("<code>torpor</code> itself; <code>torpor COMMAND --help</code> prints the same text.</p>\n");
        List<CommandLine> all = new ArrayList<>();
        all.add(root);
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (!e.getKey().equals("help")) {
                all.add(e.getValue());
            }
        }
        b.append("<ul>");
        for (CommandLine c : all) {
            b.append("<li><a href=\"#").append(anchor(c)).append("\">").append(esc(c.getCommandSpec().qualifiedName()))
                    .append("</a></li>");
        }
        b.append("</ul>\n");
        for (CommandLine c : all) {
            CommandSpec spec = c.getCommandSpec();
            b.append("<h2 id=\"").append(anchor(c)).append("\">").append(esc(spec.qualifiedName())).append("</h2>\n");
            b.append("<pre>").append(esc(c.getUsageMessage(CommandLine.Help.Ansi.OFF))).append("</pre>\n");
            if (!spec.positionalParameters().isEmpty() || !spec.options().isEmpty()) {
                b.append("<table><tr><th>parameter</th><th>meaning</th></tr>\n");
                for (PositionalParamSpec p : spec.positionalParameters()) {
                    b.append("<tr><td><code>").append(esc(p.paramLabel())).append("</code></td><td>")
                            .append(esc(String.join(" ", p.description()))).append("</td></tr>\n");
                }
                for (OptionSpec o : spec.options()) {
                    b.append("<tr><td><code>").append(esc(String.join(", ", o.names())))
                            .append(o.arity().max() > 0 ? " " + esc(o.paramLabel()) : "").append("</code></td><td>")
                            .append(esc(String.join(" ", o.description()).replace("${DEFAULT-VALUE}",
                                    String.valueOf(o.defaultValue())))).append("</td></tr>\n");
                }
                b.append("</table>\n");
            }
        }
        return b.toString();
    }

    private static String anchor(CommandLine c) {
        return c.getCommandSpec().qualifiedName().replace(' ', '-');
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String frame(String title, String body) {
        StringBuilder nav = new StringBuilder();
        for (String[] n : NAV) {
            nav.append("<a href=\"").append(n[0]).append("\">").append(n[1]).append("</a> ");
        }
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + esc(title)
                + " — Torpor</title><link rel=\"stylesheet\" href=\"style.css\"></head>\n<body><nav>" + nav
                + "</nav>\n<main>\n" + body + "</main></body></html>\n";
    }

    private static final String CSS = "body{font-family:sans-serif;max-width:60em;margin:auto;padding:1em;line-height:1.5}"
            + "nav a{margin-right:1em}pre{background:#f4f4f4;padding:.5em;overflow-x:auto}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}\n";
}
