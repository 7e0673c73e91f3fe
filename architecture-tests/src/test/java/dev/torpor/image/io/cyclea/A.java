package dev.torpor.image.io.cyclea;

/** Fixture: one half of a package cycle. */
public class A {
    public dev.torpor.image.io.cycleb.B b() {
        return new dev.torpor.image.io.cycleb.B();
    }
}
