package dev.torpor.guest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of a running guest's QMP socket (see {@link QemuGuest#withSuspendToRam(Path)}): its run state, and the
 * two ways out of suspend to RAM that a machine has, a wake-up event and a power cut.
 */
public final class QemuMonitor implements AutoCloseable {
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z-]+)\"");

    private final SocketChannel channel;
    private final BufferedReader in;
    private final Writer out;

    private QemuMonitor(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newWriter(channel, StandardCharsets.UTF_8);
        in.readLine(); // the greeting
        execute("qmp_capabilities");
    }

    /** Connects to {@code socket}, waiting up to {@code timeout} for QEMU to create it. */
    public static QemuMonitor connect(Path socket, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < end) {
            if (Files.exists(socket)) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    return new QemuMonitor(ch);
                } catch (IOException e) {
                    ch.close();
                    last = e;
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("no QMP socket at " + socket + " within " + timeout.toSeconds() + " s", last);
    }

    /** QEMU's run state: {@code running}, {@code suspended} (the guest is in S3), {@code shutdown}, ... */
    public String status() throws IOException {
        Matcher m = STATUS.matcher(execute("query-status"));
        if (!m.find()) {
            throw new IOException("QMP query-status gave no status");
        }
        return m.group(1);
    }

    /**
     * Waits until the guest is in {@code state}, polling once a second; false when {@code timeout} passed first.
     * {@code changes} sees every run state when it changes (for a log of what QEMU went through).
     */
    public boolean awaitStatus(String state, Duration timeout, StatusListener changes)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < end) {
            String now = status();
            if (!now.equals(last)) {
                changes.changed(now);
                last = now;
            }
            if (now.equals(state)) {
                return true;
            }
            Thread.sleep(1000);
        }
        return false;
    }

    /** Told each new run state. */
    @FunctionalInterface
    public interface StatusListener {
        void changed(String status) throws IOException;
    }

    /** The wake-up event of a suspended machine (a key press, the lid). */
    public void wakeUp() throws IOException {
        execute("system_wakeup");
    }

    /** Ends QEMU at once, as pulling the plug does: the guest runs no more code. */
    public void cutPower() throws IOException {
        // QEMU drops the commands it has not run yet when the client goes away: wait for the answer (or the end)
        out.write("{\"execute\":\"quit\"}\n");
        out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("{\"return\"") || line.startsWith("{\"error\"")) {
                return;
            }
        }
    }

    private String execute(String command) throws IOException {
        out.write("{\"execute\":\"" + command + "\"}\n");
        out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("{\"return\"")) {
                return line;
            }
            if (line.startsWith("{\"error\"")) {
                throw new IOException("QMP " + command + ": " + line);
            }
            // an event ({"event": ...}): not the answer
        }
        throw new IOException("QMP closed while waiting for " + command);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
