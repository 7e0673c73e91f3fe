package dev.torpor.tools;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process, as {@code main} would, capturing its output and exit code. */
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
        int code = Torpor.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
