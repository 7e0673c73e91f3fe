package dev.torpor.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.platform.linux.HibernationReadiness;
import dev.torpor.platform.linux.LinuxFacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code torpor check}. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Can this machine hibernate with Torpor now? One line per check — ok, warn or fail, with the "
                + "reason: root, kernel support, /dev/snapshot, the kernel command line (nohibernate), lockdown, "
                + "swap space against the expected image size, and the resume device and offset.", "",
                "Nothing is changed and /dev/snapshot is not opened.", "",
                "Exit codes: 0 it can (warnings allowed), 69 it cannot, 74 I/O error."},
        footer = {"", "Example:", "  torpor check", "  torpor check --json | jq '.checks[] | select(.status != \"ok\")'"})
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", hidden = true,
            description = "Read /sys, /proc and /dev under DIR (for tests).")
    Path root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        int uid = (int) new LinuxFacts(Path.of("/")).effectiveUid().orElse(-1);
        List<HibernationReadiness.Check> checks = new HibernationReadiness(root, uid).run();
        boolean can = HibernationReadiness.canHibernate(checks);
        if (json) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("canHibernate", can);
            ArrayNode a = o.putArray("checks");
            for (HibernationReadiness.Check c : checks) {
                a.addObject().put("name", c.name()).put("status", c.status().name().toLowerCase(Locale.ROOT))
                        .put("reason", c.reason());
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
        } else {
            for (HibernationReadiness.Check c : checks) {
                out.printf("%-4s  %-16s %s%n", c.status().name().toLowerCase(Locale.ROOT), c.name(), c.reason());
            }
            out.println(can ? "this machine can hibernate" : "this machine cannot hibernate now");
        }
        return can ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
    }
}
