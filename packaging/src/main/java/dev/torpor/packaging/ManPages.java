package dev.torpor.packaging;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Man pages in troff (man macros) from the CLI's own command model: {@code torpor(1)} and {@code torpor-COMMAND(1)}
 * for each command, with the same text {@code --help} prints, so they cannot drift from the tool.
 */
final class ManPages {
    private ManPages() {
    }

    /** Page name (without section) → troff text, for the root command and each subcommand but {@code help}. */
    static Map<String, String> of(CommandLine root, String version, String date) {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("torpor", page(root, "torpor", version, date, root));
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (!e.getKey().equals("help")) {
                pages.put("torpor-" + e.getKey(), page(e.getValue(), "torpor-" + e.getKey(), version, date, root));
            }
        }
        return pages;
    }

    private static String page(CommandLine cl, String name, String version, String date, CommandLine root) {
        CommandSpec spec = cl.getCommandSpec();
        cl.getCommandSpec().usageMessage().width(10_000); // one line per paragraph: troff fills them
        StringBuilder b = new StringBuilder();
        b.append(".\\\" Generated from torpor's command model; do not edit.\n");
        b.append(".TH ").append(name.toUpperCase(Locale.ROOT)).append(" 1 \"").append(date).append("\" \"torpor ")
                .append(version).append("\" \"Torpor\"\n");
        b.append(".SH NAME\n").append(esc(name)).append(" \\- ").append(esc(summary(cl))).append('\n');
        b.append(".SH SYNOPSIS\n.nf\n")
                .append(esc(cl.getHelp().synopsis(0).strip().replaceFirst("^Usage: ", ""))).append("\n.fi\n");
        b.append(".SH DESCRIPTION\n");
        paragraphs(b, cl.getHelp().description());
        if (spec.name().equals("torpor")) {
            b.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
                if (!e.getKey().equals("help")) {
                    b.append(".TP\n.B ").append(esc(e.getKey())).append('\n').append(esc(summary(e.getValue())))
                            .append(" See \\fBtorpor\\-").append(esc(e.getKey())).append("\\fR(1).\n");
                }
            }
        }
        if (!spec.positionalParameters().isEmpty() || !spec.options().isEmpty()) {
            b.append(".SH OPTIONS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                b.append(".TP\n.I ").append(esc(p.paramLabel())).append('\n')
                        .append(esc(String.join(" ", p.description()))).append('\n');
            }
            for (OptionSpec o : spec.options()) {
                if (o.hidden()) {
                    continue;
                }
                b.append(".TP\n.B ").append(esc(String.join(", ", o.names())));
                if (o.arity().max() > 0) {
                    b.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
                }
                b.append('\n').append(esc(String.join(" ", o.description())
                        .replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue())))).append('\n');
            }
        }
        String footer = cl.getHelp().footer();
        if (!footer.isBlank()) {
            b.append(".SH EXAMPLES\n.nf\n");
            for (String l : footer.strip().split("\n")) {
                if (!l.strip().equals("Examples:") && !l.strip().equals("Example:")) {
                    b.append(esc(l.strip())).append('\n');
                }
            }
            b.append(".fi\n");
        }
        b.append(".SH SEE ALSO\n");
        List<String> see = new ArrayList<>();
        if (!spec.name().equals("torpor")) {
            see.add("\\fBtorpor\\fR(1)");
        }
        see.add("\\fBsystemd\\-hibernate.service\\fR(8)");
        see.add("\\fBinitramfs\\-tools\\fR(7)");
        b.append(String.join(", ", see)).append(".\nThe site, /usr/share/doc/torpor/, has the long stories.\n");
        return b.toString();
    }

    /** The first sentence of the description, for NAME and the command list. */
    static String summary(CommandLine cl) {
        String d = String.join(" ", cl.getCommandSpec().usageMessage().description()).strip();
        int dot = d.indexOf(". ");
        int colon = d.indexOf(": ");
        int end = dot < 0 ? d.length() : dot;
        if (colon > 0 && colon < end) {
            end = colon;
        }
        String s = d.substring(0, end).replaceAll("\\$\\{[^}]*}", "").strip();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static void paragraphs(StringBuilder b, String text) {
        boolean first = true;
        for (String para : text.split("\n\\s*\n")) {
            if (para.isBlank()) {
                continue;
            }
            if (!first) {
                b.append(".PP\n");
            }
            first = false;
            for (String line : para.split("\n")) {
                if (line.startsWith("  ")) {
                    b.append(".RS\n").append(esc(line.strip())).append("\n.RE\n");
                } else if (!line.isBlank()) {
                    b.append(esc(line.strip())).append('\n');
                }
            }
        }
    }

    /** Text safe for troff: backslashes, hyphens, and a leading dot or quote. */
    static String esc(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) {
            t = "\\&" + t;
        }
        return t;
    }
}
