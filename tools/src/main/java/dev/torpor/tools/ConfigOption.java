package dev.torpor.tools;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --config FILE}: the config file of hibernate, resume and config. */
final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "The config file (key = value lines; flags override it). Default: $TORPOR_CONFIG, then "
                    + "/etc/torpor/torpor.conf when it exists.")
    Path file;

    /** The config file named by the option or TORPOR_CONFIG (which must exist), else the default (which may not). */
    ConfigFile load() throws IOException {
        if (file != null) {
            return ConfigFile.load(file, true);
        }
        String env = System.getenv("TORPOR_CONFIG");
        if (env != null && !env.isEmpty()) {
            return ConfigFile.load(Path.of(env), true);
        }
        return ConfigFile.load(ConfigFile.DEFAULT, false);
    }
}
