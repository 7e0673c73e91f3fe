package dev.torpor.image.io.violation;

/** Fixture: a library ending the process. */
public class Exits {
    public void quit() {
        System.exit(3);
    }
}
