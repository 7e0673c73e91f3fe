package dev.torpor.guest.qemu;

import dev.torpor.guest.DebianKernel;
import dev.torpor.guest.Guests;
import dev.torpor.guest.HostProgram;
import dev.torpor.guest.JavaRuntime;
import dev.torpor.guest.QemuGuest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

/**
 * The tests' view of {@link dev.torpor.guest}: a Debian kernel guest made on first use under
 * {@code target/}, booted with its console collected (and followed live in {@code console-N.log} next to the
 * initramfs, N counting this JVM's boots).
 */
public final class GuestKit {
    private static final java.util.concurrent.atomic.AtomicInteger BOOTS = new java.util.concurrent.atomic.AtomicInteger();
    private final QemuGuest guest;

    private GuestKit(QemuGuest guest) {
        this.guest = guest;
    }

    /** The kernel of this kit. */
    public Path kernel() {
        return guest.kernel();
    }

    /** Prepares (once, under {@code where}) the kernel of the Debian package depended on by {@code metaPackage}. */
    public static GuestKit prepare(Path where, String metaPackage) throws Exception {
        return prepare(where, metaPackage, null);
    }

    /** As {@link #prepare(Path, String)}, from {@code sourceLine} (a one-line sources.list) with private lists. */
    public static GuestKit prepare(Path where, String metaPackage, String sourceLine) throws Exception {
        DebianKernel kernel = DebianKernel.fetch(where, metaPackage, sourceLine);
        return new GuestKit(Guests.plain(where, kernel, Path.of("/bin/busybox")));
    }

    /**
     * The same kernel with Java: a jlink runtime from the JDK running the tests (shared by all kits, in
     * {@code target/qemu-jrt}), {@code torpor.jar}, two 32-byte keys ({@code /keys/right.key},
     * {@code /keys/wrong.key}), {@code /opt/openlog.so}, which the guest init preloads into torpor hibernate
     * to report every file it opens, and {@code /opt/snapwrite} (the device-floor mode's C loop). Boots with 1 GiB.
     */
    public GuestKit withJava(Path torporJar) throws Exception {
        Path target = guest.initrd().getParent().getParent();
        Path jrt = JavaRuntime.ensure(Path.of(System.getProperty("java.home")), target.resolve("qemu-jrt"));
        byte[] right = new byte[32];
        byte[] wrong = new byte[32];
        new Random(2026).nextBytes(right);
        new Random(4711).nextBytes(wrong);
        return new GuestKit(Guests.withJava(guest, jrt, torporJar,
                Map.of("keys/right.key", right, "keys/wrong.key", wrong, "opt/openlog.so", openLog(target),
                        "opt/snapwrite", snapWrite(target))));
    }

    /** The same guest with {@code cpus} vCPUs taking turns on one host thread (TCG {@code thread=single}). */
    public GuestKit withCpus(int cpus) {
        return new GuestKit(guest.withCpus(cpus, false));
    }

    /** The open-logging preload library, compiled with the host's gcc (the guest gets the host's glibc). */
    private static synchronized byte[] openLog(Path target) throws Exception {
        Path source = target.resolve("qemu-openlog.c");
        Path library = target.resolve("qemu-openlog.so");
        try (var in = GuestKit.class.getResourceAsStream("/qemu/openlog.c")) {
            Files.write(source, in.readAllBytes());
        }
        HostProgram.run(target, "gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", library.toString(),
                source.toString(), "-ldl");
        return Files.readAllBytes(library);
    }

    /** The C loop of the resume's writes into /dev/snapshot ({@code qemu/snapwrite.c}), for the device-floor mode. */
    private static synchronized byte[] snapWrite(Path target) throws Exception {
        Path source = target.resolve("qemu-snapwrite.c");
        Path program = target.resolve("qemu-snapwrite");
        try (var in = GuestKit.class.getResourceAsStream("/qemu/snapwrite.c")) {
            Files.write(source, in.readAllBytes());
        }
        HostProgram.run(target, "gcc", "-O2", "-Wall", "-Werror", "-o", program.toString(), source.toString(),
                "-Wl,-Bstatic", "-llzo2", "-lz", "-Wl,-Bdynamic");
        return Files.readAllBytes(program);
    }

    /** Boots the guest on {@code disk} with {@code torpor.mode=MODE}; returns its console output. */
    public String boot(Path disk, String mode, int timeoutSeconds) throws Exception {
        return boot(disk, "torpor.mode=" + mode, timeoutSeconds, false);
    }

    /**
     * Where a boot's console goes as it runs and stays for a look afterwards: console-1.log, console-2.log, ... in
     * this JVM's order of boots, one file per boot since guests of one kit may run side by side.
     */
    private Path liveLog() {
        return guest.initrd().getParent().resolve("console-" + BOOTS.incrementAndGet() + ".log");
    }

    /** Boots with extra kernel arguments; {@code verbose} shows the kernel's informational messages. */
    public String boot(Path disk, String args, int timeoutSeconds, boolean verbose) throws Exception {
        Path live = liveLog();
        try {
            QemuGuest.Console c = guest.boot(disk, args, Duration.ofSeconds(timeoutSeconds), verbose, live, l -> { });
            System.out.printf("guest %s [%s] ran %d s (%s)%n", guest.kernel().getFileName(), args,
                    c.ran().toSeconds(), live.getFileName());
            return c.text();
        } catch (QemuGuest.GuestTimeoutException e) {
            throw new IllegalStateException(e.getMessage() + ":\n" + e.console(), e);
        }
    }

    /** Boots with a listener that can act on the guest (cut its power, send SysRq); returns the whole console. */
    public QemuGuest.Console boot(Path disk, String args, int timeoutSeconds, QemuGuest.LineListener lines)
            throws Exception {
        Path live = liveLog();
        try {
            QemuGuest.Console c = guest.boot(disk, args, Duration.ofSeconds(timeoutSeconds), true, live, lines);
            System.out.printf("guest %s [%s] ran %d s%s (%s)%n", guest.kernel().getFileName(), args,
                    c.ran().toSeconds(), c.cut() ? ", power cut" : "", live.getFileName());
            return c;
        } catch (QemuGuest.GuestTimeoutException e) {
            throw new IllegalStateException(e.getMessage() + ":\n" + e.console(), e);
        }
    }

    /**
     * Runs {@code runs} two at a time, one guest per host core (a TCG guest uses one); throws every failure, the
     * first as the cause's message, once all have ended.
     */
    static void sideBySide(java.util.List<java.util.concurrent.Callable<Void>> runs) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.List<java.util.concurrent.Future<Void>> futures = new java.util.ArrayList<>();
            for (java.util.concurrent.Callable<Void> run : runs) {
                futures.add(pool.submit(run));
            }
            java.util.List<Throwable> failures = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<Void> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            if (!failures.isEmpty()) {
                AssertionError all = new AssertionError(failures.size() + " run(s) failed: " + failures.get(0));
                failures.forEach(all::addSuppressed);
                throw all;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static String run(Path dir, String... cmd) throws Exception {
        return HostProgram.run(dir, cmd);
    }
}
