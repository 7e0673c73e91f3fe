package dev.torpor.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A QEMU guest: a kernel, an initramfs and a memory size, booted under TCG with one vCPU (unless
 * {@link #withCpus(int, boolean)}) and one virtio disk,
 * {@code -no-reboot} so that a power-off or reboot ends QEMU. (One vCPU by default: the guest JVM once crashed under
 * multi-threaded TCG, though two-vCPU guests have run under it since; KVM hangs on the machines this was made on.)
 *
 * @param kernel the {@code vmlinuz}
 * @param initrd the initramfs
 * @param memory QEMU's {@code -m} value, e.g. {@code 1G}
 * @param qemuArgs more arguments for QEMU, e.g. {@link #withSuspendToRam(Path)}'s
 */
public record QemuGuest(Path kernel, Path initrd, String memory, List<String> qemuArgs) {
    /**
     * At most this many guests run at once in this JVM ({@code -Dtorpor.qemu.guests}, default 2): a TCG guest keeps
     * one host core busy, and these machines have two. Tests that run side by side wait here for a core.
     */
    private static final java.util.concurrent.Semaphore SLOTS = new java.util.concurrent.Semaphore(
            Integer.getInteger("torpor.qemu.guests", 2), true);

    public QemuGuest {
        qemuArgs = List.copyOf(qemuArgs);
    }

    /** A guest with no extra QEMU arguments. */
    public QemuGuest(Path kernel, Path initrd, String memory) {
        this(kernel, initrd, memory, List.of());
    }

    /**
     * This guest with ACPI S3 (suspend to RAM, which QEMU's PIIX4 turns off by default) and a QMP socket at
     * {@code qmp}, through which {@link QemuMonitor} sees the suspend and wakes the guest or cuts its power.
     */
    public QemuGuest withSuspendToRam(Path qmp) {
        List<String> args = new ArrayList<>(qemuArgs);
        args.addAll(List.of("-global", "PIIX4_PM.disable_s3=0", "-qmp", "unix:" + qmp + ",server=on,wait=off"));
        return new QemuGuest(kernel, initrd, memory, args);
    }

    /**
     * This guest with {@code cpus} vCPUs. {@code multiThreaded}: one host thread per vCPU (TCG's MTTCG, faster; the
     * guest JVM once crashed under it); otherwise {@code thread=single}, the vCPUs taking turns on one host
     * thread, which proves correctness on several CPUs but not speed.
     */
    public QemuGuest withCpus(int cpus, boolean multiThreaded) {
        if (cpus < 1 || cpus > 8) {
            throw new IllegalArgumentException("a guest has 1 to 8 vCPUs, not " + cpus);
        }
        List<String> args = new ArrayList<>(qemuArgs);
        args.addAll(List.of("-smp", Integer.toString(cpus), "-accel",
                multiThreaded ? "tcg,thread=multi" : "tcg,thread=single"));
        return new QemuGuest(kernel, initrd, memory, args);
    }

    /**
     * What a boot printed on its serial console, and how long QEMU ran.
     *
     * @param cut whether the boot ended by {@link Control#cutPower()} rather than the guest powering off
     */
    public record Console(String text, Duration ran, boolean cut) {
        public Console(String text, Duration ran) {
            this(text, ran, false);
        }
    }

    /** What a line listener can do to the running guest. */
    public interface Control {
        /** Ends QEMU at once (SIGKILL), as a power cut: what the guest had not handed to its disk is lost. */
        void cutPower();

        /** Sends a serial break and then {@code key}: the kernel's magic SysRq (e: SIGTERM to all but init). */
        void sysrq(char key) throws IOException;

        /** Types {@code text} on the serial console. */
        void type(String text) throws IOException;
    }

    /** Sees every console line, with the means to act on the guest. */
    @FunctionalInterface
    public interface LineListener {
        void line(String line, Control control) throws IOException;
    }

    /**
     * Boots on {@code disk} with extra kernel arguments ({@code torpor.mode=…} and what else the init reads) and waits
     * for the guest to power off. {@code verbose} shows the kernel's informational messages (its hibernation timing
     * lines). The console goes to {@code liveLog} (follow it with tail -f) and line by line to {@code lines}.
     *
     * @throws GuestTimeoutException when the guest is still running after {@code timeout} (QEMU is killed)
     */
    public Console boot(Path disk, String args, Duration timeout, boolean verbose, Path liveLog,
                        Consumer<String> lines) throws IOException {
        return boot(disk, args, timeout, verbose, liveLog, (line, control) -> lines.accept(line));
    }

    /** As {@link #boot(Path, String, Duration, boolean, Path, Consumer)}, with a listener that can act on the guest. */
    public Console boot(Path disk, String args, Duration timeout, boolean verbose, Path liveLog,
                        LineListener lines) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("qemu-system-x86_64", "-m", memory));
        if (!qemuArgs.contains("-smp")) {
            cmd.addAll(List.of("-accel", "tcg", "-smp", "1"));
        }
        cmd.addAll(List.of("-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-append", "console=ttyS0 sysrq_always_enabled=1 " + (verbose ? "loglevel=7" : "quiet") + " " + args,
                "-drive", "file=" + disk + ",if=virtio,format=raw", "-nographic", "-no-reboot"));
        cmd.addAll(qemuArgs);
        String monitor = System.getProperty("torpor.qemu.monitor"); // debugging: a QEMU monitor socket
        if (monitor != null) {
            cmd.addAll(List.of("-monitor", "unix:" + monitor + ",server,nowait"));
        }
        try {
            SLOTS.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a free host core", e);
        }
        try {
            return run(cmd, timeout, liveLog, lines);
        } finally {
            SLOTS.release();
        }
    }

    private Console run(List<String> cmd, Duration timeout, Path liveLog, LineListener lines) throws IOException {
        long started = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        boolean[] cut = {false};
        Control control = new Control() {
            @Override
            public void cutPower() {
                cut[0] = true;
                p.destroyForcibly();
            }

            @Override
            public void sysrq(char key) throws IOException {
                // -nographic multiplexes the serial port and QEMU's monitor on stdio: Ctrl-A b sends a break
                OutputStream in = p.getOutputStream();
                in.write(new byte[] {1, 'b'});
                in.flush();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                in.write(key);
                in.flush();
            }

            @Override
            public void type(String text) throws IOException {
                OutputStream in = p.getOutputStream();
                in.write(text.getBytes(StandardCharsets.US_ASCII));
                in.flush();
            }
        };
        Thread reader = new Thread(() -> copy(p.getInputStream(), console, liveLog, lines, control), "qemu-console");
        reader.start();
        try {
            boolean ended = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            reader.join(5000);
            String text = console.toString(StandardCharsets.ISO_8859_1);
            if (!ended && !cut[0]) {
                throw new GuestTimeoutException("the guest did not power off within " + timeout.toSeconds() + " s",
                        text);
            }
            return new Console(text, Duration.ofNanos(System.nanoTime() - started), cut[0]);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the guest ran", e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream console, Path liveLog, LineListener lines,
                             Control control) {
        StringBuilder line = new StringBuilder();
        try (OutputStream file = Files.newOutputStream(liveLog)) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (console) {
                    console.write(buf, 0, n);
                }
                file.write(buf, 0, n);
                file.flush();
                for (int i = 0; i < n; i++) {
                    char c = (char) (buf[i] & 0xff);
                    if (c == '\n') {
                        lines.line(line.toString().replace("\r", ""), control);
                        line.setLength(0);
                    } else {
                        line.append(c);
                    }
                }
            }
        } catch (IOException ignored) {
            // QEMU ended
        }
    }

    /** The guest ran past its time; {@link #console()} holds what it printed. */
    public static final class GuestTimeoutException extends IOException {
        private final String console;

        GuestTimeoutException(String message, String console) {
            super(message);
            this.console = console;
        }

        public String console() {
            return console;
        }
    }
}
