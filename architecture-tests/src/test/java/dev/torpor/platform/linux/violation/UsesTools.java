package dev.torpor.platform.linux.violation;

/** Fixture: platform-linux reaching up into tools. */
public class UsesTools {
    public int code() {
        return dev.torpor.tools.ExitCodes.IO_ERROR + new dev.torpor.image.io.Problem(0, "x",
                dev.torpor.image.io.Problem.Severity.ERROR).message().length();
    }
}
