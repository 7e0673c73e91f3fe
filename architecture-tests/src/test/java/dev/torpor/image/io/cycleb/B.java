package dev.torpor.image.io.cycleb;

/** Fixture: the other half of a package cycle. */
public class B {
    public dev.torpor.image.io.cyclea.A a() {
        return new dev.torpor.image.io.cyclea.A();
    }
}
