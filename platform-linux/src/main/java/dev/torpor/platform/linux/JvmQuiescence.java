package dev.torpor.platform.linux;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Brings the JVM's own threads to rest before the system is frozen.
 *
 * <p>The kernel's freezer stops every thread but the caller of {@code SNAPSHOT_FREEZE} wherever it happens to be, and
 * a thread stopped while it holds a lock holds it until the machine is off. After the snapshot the hibernating thread
 * must not need any lock another JVM thread could hold: the JIT compilers' (a thread in the middle of a compilation
 * holds code-cache and arena locks; a compile request takes the queue's lock), the reference handler's and the
 * cleaners' (a collection hands them freed buffers, and they free native memory under the locks that allocating new
 * buffers takes), or the VM thread's (a safepoint it began but did not finish stops every thread that polls). Guests
 * that froze while these threads were busy hung right after {@code CREATE_IMAGE}.
 *
 * <p>So, in this order: no new compilations (a compiler directive that excludes every method, through the
 * {@code DiagnosticCommand} MBean: the code compiled by then is the code that runs), a full collection, the reference
 * handler and JNA's cleaner proven to have processed it, the compile queues drained, every other Java thread
 * waiting, and (in {@code /proc}) every other thread of the process, the VM's own included, asleep and using no CPU.
 * The JIT stays off for the rest of the process.
 */
public final class JvmQuiescence {
    private static final String DIAGNOSTIC = "com.sun.management:type=DiagnosticCommand";
    private static final String[] STRING_ARRAY = {String[].class.getName()};

    /**
     * How it went.
     *
     * @param compilationStopped new compilations are refused from now on (false: the directive could not be added)
     * @param compilerIdle       no compilation queued or running at the end
     * @param referencesDone     the reference handler and JNA's cleaner processed the last collection
     * @param busyThreads        other Java threads not waiting at the end (name, state and top frame)
     * @param took               how long it took
     * @param problem            why compilation could not be stopped, if it could not
     * @param steps              how long each step took: stopping the JIT, the collection and reference processing,
     *                           the compile queues, the Java threads, the process's tasks
     */
    public record Report(boolean compilationStopped, boolean compilerIdle, boolean referencesDone,
                         List<String> busyThreads, Duration took, String problem, List<Duration> steps) {
        /** Everything is at rest. */
        public boolean atRest() {
            return compilationStopped && compilerIdle && referencesDone && busyThreads.isEmpty();
        }
    }

    /**
     * What {@link #stopCompilation} did.
     *
     * @param stopped new compilations are refused from now on
     * @param took    how long it took
     * @param problem why compilation could not be stopped, if it could not
     */
    public record Stopped(boolean stopped, Duration took, String problem) {
    }

    private JvmQuiescence() {
    }

    /**
     * Stops new compilations. Call it once the code that runs after the snapshot has been rehearsed (and so compiled),
     * before {@link #settle}; {@code scratch} holds the directive file for a moment.
     */
    public static Stopped stopCompilation(Path scratch) {
        long start = System.nanoTime();
        String problem = "";
        boolean stopped;
        try {
            Path directive = Files.createTempFile(scratch, "torpor-jit", ".json");
            try {
                Files.writeString(directive, "[{ match: \"*.*\", Exclude: true }]");
                Object r = diagnostic("compilerDirectivesAdd", directive.toString());
                stopped = String.valueOf(r).contains("1 compiler directives added");
                if (!stopped) {
                    problem = "Compiler.directives_add said: " + String.valueOf(r).trim();
                }
            } finally {
                Files.deleteIfExists(directive);
            }
        } catch (IOException | JMException | RuntimeException e) {
            stopped = false;
            problem = "the DiagnosticCommand MBean (module jdk.management) is not usable: " + e;
        }
        return new Stopped(stopped, Duration.ofNanos(System.nanoTime() - start), problem);
    }

    /**
     * Undoes {@link #stopCompilation} once the system is thawed again, so that a program that hibernated from inside
     * itself compiles as before. Returns whether the directive was removed.
     */
    public static boolean resumeCompilation(Stopped stopped) {
        if (!stopped.stopped()) {
            return false;
        }
        try {
            diagnostic("compilerDirectivesRemove");
            return true;
        } catch (JMException | RuntimeException e) {
            return false;
        }
    }

    /**
     * After {@link #stopCompilation}: collects, waits for the reference handler and the cleaners, for the compile
     * queues to drain and for every other Java thread to wait, at most {@code limit} in all.
     */
    public static Report settle(Stopped stopped, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        boolean references = awaitReferenceProcessing(deadline);
        long t1 = System.nanoTime();
        boolean idle = awaitIdleCompiler(deadline);
        long t2 = System.nanoTime();
        List<String> busy = awaitIdleThreads(deadline);
        long t3 = System.nanoTime();
        if (busy.isEmpty()) {
            busy = awaitSleepingTasks(Path.of("/proc/thread-self"), deadline);
        }
        long t4 = System.nanoTime();
        return new Report(stopped.stopped(), idle, references, busy,
                stopped.took().plusNanos(t4 - start), stopped.problem(), List.of(stopped.took(),
                Duration.ofNanos(t1 - start), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2),
                Duration.ofNanos(t4 - t3)));
    }

    /** A collection, then proof that the reference handler and JNA's cleaner thread got through it. */
    private static boolean awaitReferenceProcessing(long deadline) throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        CountDownLatch cleaned = new CountDownLatch(1);
        com.sun.jna.internal.Cleaner.getCleaner().register(new Object(), cleaned::countDown);
        System.gc();
        boolean handled = queue.remove(Math.max(1, remainingMillis(deadline))) == sentinel;
        boolean jna = cleaned.await(Math.max(1, remainingMillis(deadline)), TimeUnit.MILLISECONDS);
        // what the collection freed beyond the sentinels: let the cleaners finish with the CPU to themselves
        Thread.sleep(Math.min(300, Math.max(0, remainingMillis(deadline))));
        return handled && jna;
    }

    /** Waits until nothing is being compiled or queued, seen twice 100 ms apart. */
    private static boolean awaitIdleCompiler(long deadline) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        int quiet = 0;
        long lastTime = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            boolean idle;
            try {
                idle = queueIsEmpty(String.valueOf(diagnostic("compilerQueue")));
            } catch (JMException | RuntimeException e) {
                // no DiagnosticCommand: the compilers' total time standing still is the next best sign
                long now = lastTime < 0 ? -1 : jit.getTotalCompilationTime();
                idle = lastTime >= 0 && now == lastTime;
                lastTime = now;
            }
            quiet = idle ? quiet + 1 : 0;
            if (quiet >= 2) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the output of {@code Compiler.queue} shows no compilation: only its headings ("Current compiles:",
     * "C1 compile queue:", ...) and "Empty".
     */
    static boolean queueIsEmpty(String text) {
        return text.lines().map(String::trim).filter(l -> !l.isEmpty())
                .allMatch(l -> l.endsWith(":") || l.equals("Empty"));
    }

    /** Waits until every other Java thread waits; returns those that still did not at the deadline. */
    private static List<String> awaitIdleThreads(long deadline) throws InterruptedException {
        List<String> busy = busyThreads();
        while (!busy.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            busy = busyThreads();
        }
        return busy;
    }

    /**
     * The kernel's view, which includes the VM's own threads (VM thread, compilers, sweeper): waits until every other
     * task of this process sleeps and used no CPU time between two looks 100 ms apart. Returns the tasks that still
     * ran at the deadline ({@code comm}, state); empty where {@code /proc} cannot tell.
     */
    static List<String> awaitSleepingTasks(Path threadSelf, long deadline) throws InterruptedException {
        java.util.Optional<OtherTasks> others = OtherTasks.of(threadSelf);
        if (others.isEmpty()) {
            return List.of();
        }
        Path tasks = others.get().dir();
        String me = others.get().me();
        Map<String, TaskStat> before = taskStats(tasks, me);
        List<String> busy = List.of("(not looked at)");
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            Map<String, TaskStat> now = taskStats(tasks, me);
            busy = new ArrayList<>();
            for (Map.Entry<String, TaskStat> e : now.entrySet()) {
                TaskStat was = before.get(e.getKey());
                TaskStat is = e.getValue();
                if (is.state() != 'S' || was == null || was.cpuTicks() != is.cpuTicks()) {
                    busy.add(is.comm() + " (" + is.state() + ")");
                }
            }
            before = now;
            if (busy.isEmpty()) {
                break;
            }
        }
        return busy;
    }

    /**
     * The CPU each of this JVM's other threads has used so far, by thread name ({@code comm}, numbered names such as
     * {@code GC Thread#0} added up), from {@code /proc} in ticks of 10 ms; empty where {@code /proc} cannot tell.
     * Says where a run's CPU went besides the calling thread: the compilers, the collector, the VM thread.
     */
    public static Map<String, java.time.Duration> otherThreadsCpu() {
        java.util.Optional<OtherTasks> others = OtherTasks.of(Path.of("/proc/thread-self"));
        if (others.isEmpty()) {
            return Map.of();
        }
        Map<String, java.time.Duration> byName = new java.util.TreeMap<>();
        for (TaskStat t : taskStats(others.get().dir(), others.get().me()).values()) {
            String name = t.comm().replaceAll("#?\\d+$", "").trim();
            byName.merge(name, java.time.Duration.ofMillis(10 * t.cpuTicks()), java.time.Duration::plus);
        }
        return byName;
    }

    /** This process's task directory ({@code /proc/PID/task}) and the calling thread's TID, from {@code threadSelf}. */
    private record OtherTasks(Path dir, String me) {
        static java.util.Optional<OtherTasks> of(Path threadSelf) {
            try {
                Path link = Files.readSymbolicLink(threadSelf); // PID/task/TID
                return java.util.Optional.of(new OtherTasks(threadSelf.resolveSibling(link.getParent().toString()),
                        link.getFileName().toString()));
            } catch (IOException | UnsupportedOperationException e) {
                return java.util.Optional.empty();
            }
        }
    }

    /** One task's {@code /proc/PID/task/TID/stat}: name, state, user plus system CPU ticks. */
    record TaskStat(String comm, char state, long cpuTicks) {
        static TaskStat parse(String stat) {
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String[] f = stat.substring(close + 2).trim().split(" ");
            // after "pid (comm) ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
            return new TaskStat(stat.substring(open + 1, close), f[0].charAt(0),
                    Long.parseLong(f[11]) + Long.parseLong(f[12]));
        }
    }

    private static Map<String, TaskStat> taskStats(Path tasks, String me) {
        Map<String, TaskStat> stats = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> s = Files.list(tasks)) {
            for (Path t : (Iterable<Path>) s::iterator) {
                String tid = t.getFileName().toString();
                if (tid.equals(me)) {
                    continue;
                }
                try {
                    stats.put(tid, TaskStat.parse(Files.readString(t.resolve("stat"))));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return stats;
        }
        return stats;
    }

    private static List<String> busyThreads() {
        List<String> busy = new ArrayList<>();
        Thread me = Thread.currentThread();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            StackTraceElement[] stack = e.getValue();
            if (t == me || isWaiting(t.getState(), stack)) {
                continue;
            }
            busy.add(t.getName() + " " + t.getState() + (stack.length > 0 ? " at " + stack[0] : ""));
        }
        return busy;
    }

    /**
     * Waiting: parked or in {@code Object.wait}/{@code sleep}, or runnable without Java frames (the VM's own
     * threads that Java sees) or inside a native method (the reference handler waits in one).
     */
    static boolean isWaiting(Thread.State state, StackTraceElement[] stack) {
        if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
            return true;
        }
        return state == Thread.State.RUNNABLE && (stack.length == 0 || stack[0].isNativeMethod());
    }

    private static Object diagnostic(String operation, String... args) throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return server.invoke(new ObjectName(DIAGNOSTIC), operation, new Object[] {args}, STRING_ARRAY);
    }

    private static long remainingMillis(long deadline) {
        return (deadline - System.nanoTime()) / 1_000_000;
    }
}
