package dev.torpor.hibernation;

/**
 * Hibernation refused before anything was frozen or written: this machine or this JVM cannot hibernate now. The
 * message says why and what to do.
 */
public class HibernationRefused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public HibernationRefused(String message) {
        super(message);
    }
}
