package dev.torpor.swap.format.violation;

/** Fixture: swap-format reaching up into image-io. */
public class UsesImageIo {
    public String describe(dev.torpor.image.io.Problem p) {
        return p.message();
    }
}
