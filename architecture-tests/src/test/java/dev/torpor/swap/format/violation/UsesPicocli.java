package dev.torpor.swap.format.violation;

/** Fixture: a CLI library outside tools. */
public class UsesPicocli {
    public Object cli() {
        return new picocli.CommandLine(new Object());
    }
}
