package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.ErrnoException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * SIGINT, SIGTERM and SIGHUP held back from the calling thread and polled by it. While a hibernation image is
 * stored every other thread of the JVM is frozen with the system, the signal dispatcher included, so the JVM's own
 * handling of such a signal would wait for the thaw; the storing thread blocks them instead, so that the kernel keeps
 * them pending for the process, and asks for them between pages: the write can then stop cleanly (invalidate, thaw,
 * exit non-zero). A signal it takes is consumed and never reaches the JVM's handler.
 *
 * <p>The per-poll calls use JNA's direct mapping on preallocated native memory: polling allocates nothing.
 */
public final class TerminationSignals implements AutoCloseable {
    /** Signal numbers on Linux. */
    public static final int SIGHUP = 1;
    public static final int SIGINT = 2;
    public static final int SIGTERM = 15;
    private static final int SIG_BLOCK = 0;
    private static final int SIG_SETMASK = 2;
    /** glibc's {@code sigset_t}: 1024 bits. */
    private static final int SIGSET_BYTES = 128;

    static {
        Native.register(TerminationSignals.class, NativeLibrary.getInstance("c"));
    }

    private final Memory set = new Memory(SIGSET_BYTES);
    private final Memory old = new Memory(SIGSET_BYTES);
    private final Memory pending = new Memory(SIGSET_BYTES);
    private final Memory zeroTimeout = new Memory(16);
    private final long watched;
    private boolean closed;

    private TerminationSignals() {
        set.clear();
        old.clear();
        zeroTimeout.clear();
        watched = bit(SIGHUP) | bit(SIGINT) | bit(SIGTERM);
        set.setLong(0, watched);
    }

    /** Blocks the three signals in the calling thread (threads it starts inherit that) until {@link #close()}. */
    public static TerminationSignals hold() throws ErrnoException {
        TerminationSignals s = new TerminationSignals();
        int e = pthread_sigmask(SIG_BLOCK, Pointer.nativeValue(s.set), Pointer.nativeValue(s.old));
        if (e != 0) {
            throw new ErrnoException("pthread_sigmask", e, null);
        }
        return s;
    }

    /**
     * The number of a pending SIGINT, SIGTERM or SIGHUP, which is taken (consumed), or 0 if none is pending. Must be
     * called from the thread that called {@link #hold()}.
     */
    public int poll() {
        if (closed || sigpending(Pointer.nativeValue(pending)) != 0) {
            return 0;
        }
        long found = pending.getLong(0) & watched;
        if (found == 0) {
            return 0;
        }
        int signal = sigtimedwait(Pointer.nativeValue(set), 0, Pointer.nativeValue(zeroTimeout));
        return signal > 0 ? signal : 0;
    }

    /** The signal's name, for messages. */
    public static String name(int signal) {
        return switch (signal) {
            case SIGHUP -> "SIGHUP";
            case SIGINT -> "SIGINT";
            case SIGTERM -> "SIGTERM";
            default -> "signal " + signal;
        };
    }

    /** Puts the calling thread's signal mask back as it was; signals still pending are then delivered as usual. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pthread_sigmask(SIG_SETMASK, Pointer.nativeValue(old), 0);
        }
    }

    private static long bit(int signal) {
        return 1L << (signal - 1);
    }

    /** Returns an error number (not -1 and errno). */
    private static native int pthread_sigmask(int how, long set, long oldSet);

    private static native int sigpending(long set);

    /** The signal taken, or -1 (errno EAGAIN when none is pending). */
    private static native int sigtimedwait(long set, long info, long timeout);
}
