package dev.torpor.image.io.violation;

/** Fixture: image-io using Jackson databind. */
public class UsesJackson {
    public Object mapper() {
        return new com.fasterxml.jackson.databind.ObjectMapper();
    }
}
