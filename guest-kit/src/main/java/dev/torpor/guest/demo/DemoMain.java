package dev.torpor.guest.demo;

import dev.torpor.tools.Torpor;
import picocli.CommandLine;

/**
 * {@code torpor} with {@code demo}: the CLI as the repository's {@code ./torpor} and {@code scripts/demo.sh} run it.
 * The demo and its QEMU machinery live only here, never in the published CLI or the Debian package.
 */
public final class DemoMain {
    private DemoMain() {
    }

    public static void main(String[] args) {
        Torpor.prepareJvm(); // before the method reference, whose bootstrap already uses reflection
        Torpor.launch(DemoMain::commandLine, args);
    }

    /** {@link Torpor#commandLine()} with the {@code demo} command. */
    public static CommandLine commandLine() {
        CommandLine cl = Torpor.commandLine();
        cl.addSubcommand("demo", new DemoCommand());
        return cl;
    }
}
