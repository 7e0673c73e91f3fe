package dev.torpor.hibernation.violation;

/** Fixture: the hibernation library reaching up into the CLI. */
public class UsesToolsFromHibernation {
    public String code(dev.torpor.tools.ExitCodes codes) {
        return String.valueOf(codes);
    }
}
