package dev.torpor.platform.linux;

import java.io.IOException;

/** A system call failed; carries the call and its errno. */
public class NativeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    public NativeException(String call, int errno, String detail) {
        super(call + " failed: errno " + errno + " (" + detail + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
