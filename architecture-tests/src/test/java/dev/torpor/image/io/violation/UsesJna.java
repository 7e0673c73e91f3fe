package dev.torpor.image.io.violation;

/** Fixture: native code outside platform-linux. */
public class UsesJna {
    public int pointerSize() {
        return com.sun.jna.Native.POINTER_SIZE;
    }
}
