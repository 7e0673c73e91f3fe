package dev.torpor.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.torpor.platform.linux.LinuxFacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code torpor config}. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print the settings hibernate and resume would use, and where each came from: the command line, "
                + "a line of the config file, the built-in default, or the running system (/sys/power/resume, the "
                + "kernel command line, /proc/swaps).", "",
                "The config file (default /etc/torpor/torpor.conf) holds lines of 'key = value'; # starts a comment. "
                        + "Keys: device, resume-offset, compress, threads, image-size, shutdown, key-file, "
                        + "hybrid-sleep. Every line must be understood: an unknown key, a bad value or a repeated key "
                        + "refuses the whole file, with its name and line, and hibernate and resume then do nothing.",
                "", "Exit codes: 0 the settings are usable, 78 the config file is not (the error names file and line)."},
        footer = {"", "Examples:", "  torpor config", "  torpor config --config /tmp/test.conf --json"})
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print one JSON object: {setting: {value, source}}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ConfigFile file = config.load();
        Settings settings = Settings.resolve(file, Map.of());
        LinuxFacts facts = LinuxFacts.system();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("configFile", file.path().map(Object::toString).orElse(null));
        ObjectNode all = o.putObject("settings");
        for (Setting s : Setting.values()) {
            Settings.Value v = settings.value(s);
            String value = v.value();
            String source = v.source();
            if (s == Setting.DEVICE || s == Setting.RESUME_OFFSET) {
                try {
                    RunningSystem.Found<?> f = s == Setting.DEVICE ? RunningSystem.device(v, facts)
                            : RunningSystem.resumeOffset(v, facts);
                    value = f.value().toString();
                    source = f.source();
                } catch (IllegalArgumentException | IOException e) {
                    value = null;
                    source = "none found: " + e.getMessage();
                }
            } else if (s == Setting.IMAGE_SIZE && value == null) {
                value = facts.imageSize().isPresent() ? Long.toString(facts.imageSize().getAsLong()) : null;
                source = value == null ? "the kernel's choice" : "/sys/power/image_size";
            }
            all.putObject(s.key).put("value", value).put("source", source);
            if (!json) {
                out.printf("%-14s %-24s %s%n", s.key, value == null ? "-" : value, source);
            }
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o));
        } else {
            out.println(file.path().map(p -> "config file: " + p).orElse("config file: none ("
                    + ConfigFile.DEFAULT + " does not exist); built-in defaults"));
        }
        return ExitCodes.OK;
    }
}
