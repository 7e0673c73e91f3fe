package dev.torpor.guest.demo;

import dev.torpor.tools.Torpor;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the demo-enabled CLI in-process, as its {@code main} would, capturing its output and exit code. */
final class Cli {
    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Torpor.run(DemoMain.commandLine(), new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
