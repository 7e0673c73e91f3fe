package dev.torpor.platform.linux;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM with busy compilers (it has just run hot code) and freed native memory (JNA buffers left to the
 * collector) is brought to rest: compilation stopped, queues empty, references processed, no other thread running;
 * a method first made hot afterwards is never compiled (the JVM's own compilation log says so).
 */
class JvmQuiescenceTest {

    /** The child. */
    public static void main(String[] args) throws Exception {
        long sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += Integer.toHexString(i).hashCode();
            if (i % 1000 == 0) {
                new com.sun.jna.Memory(4096).setByte(0, (byte) 1); // garbage with native memory and a cleaner
            }
        }
        JvmQuiescence.Stopped stopped = JvmQuiescence.stopCompilation(Path.of(System.getProperty("java.io.tmpdir")));
        JvmQuiescence.Report rest = JvmQuiescence.settle(stopped, Duration.ofSeconds(60));
        System.out.println("REST " + rest.atRest() + " " + rest);
        System.out.println("HOT START");
        for (int i = 0; i < 300_000; i++) {
            sum += HotAfterwards.work(i);
        }
        System.out.println("HOT END " + sum);
    }

    /** Used only after the JIT was stopped. */
    static final class HotAfterwards {
        static int work(int i) {
            return (i * 31) ^ (i >>> 3);
        }
    }

    @Test
    void aBusyJvmComesToRestAndCompilesNothingAfterwards() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:+PrintCompilation", "-cp", System.getProperty("java.class.path"),
                JvmQuiescenceTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).contains("REST true", "HOT START", "HOT END");
        String hot = out.substring(out.indexOf("HOT START"), out.indexOf("HOT END"));
        List<String> work = hot.lines().filter(l -> l.contains("HotAfterwards::work")).toList();
        assertThat(work).as("the hot method was refused, never compiled").isNotEmpty()
                .allMatch(l -> l.contains("Excluding compile") || l.contains("excluded by CompileCommand"), "refused");
        assertThat(out.substring(0, out.indexOf("REST"))).as("the JIT worked before").contains("::");
    }

    @Test
    void theCompileQueueIsReadFromItsListing() {
        assertThat(JvmQuiescence.queueIsEmpty("Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\n"
                + "Empty\n")).isTrue();
        assertThat(JvmQuiescence.queueIsEmpty("Current compiles: \nC2 CompilerThread0   462       4       J::work "
                + "(28 bytes)\n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n")).isFalse();
        assertThat(JvmQuiescence.queueIsEmpty("Current compiles: \n\nC1 compile queue:\n   120  3  a.B::c (9 bytes)\n"
                + "\nC2 compile queue:\nEmpty\n")).isFalse();
    }

    @Test
    void waitingThreadsAreTold() {
        StackTraceElement nativeFrame = new StackTraceElement("java.lang.ref.Reference", "waitForReferencePendingList",
                null, -2);
        StackTraceElement javaFrame = new StackTraceElement("a.B", "run", "B.java", 10);
        assertThat(JvmQuiescence.isWaiting(Thread.State.WAITING, new StackTraceElement[] {javaFrame})).isTrue();
        assertThat(JvmQuiescence.isWaiting(Thread.State.TIMED_WAITING, new StackTraceElement[] {javaFrame})).isTrue();
        assertThat(JvmQuiescence.isWaiting(Thread.State.RUNNABLE, new StackTraceElement[] {nativeFrame})).isTrue();
        assertThat(JvmQuiescence.isWaiting(Thread.State.RUNNABLE, new StackTraceElement[0])).isTrue();
        assertThat(JvmQuiescence.isWaiting(Thread.State.RUNNABLE, new StackTraceElement[] {javaFrame})).isFalse();
        assertThat(JvmQuiescence.isWaiting(Thread.State.BLOCKED, new StackTraceElement[] {javaFrame})).isFalse();
    }

    @Test
    void taskStatusLinesAreRead() {
        JvmQuiescence.TaskStat t = JvmQuiescence.TaskStat.parse("4242 (C2 CompilerThre) S 1 4200 4200 0 -1 1077936192 "
                + "3400 0 0 0 152 37 0 0 20 0 12 0 5000 0 0 18446744073709551615");
        assertThat(t).isEqualTo(new JvmQuiescence.TaskStat("C2 CompilerThre", 'S', 189));
        JvmQuiescence.TaskStat odd = JvmQuiescence.TaskStat.parse("7 (a) b (c)) R 1 1 1 0 -1 0 0 0 0 0 5 6 0 0");
        assertThat(odd).isEqualTo(new JvmQuiescence.TaskStat("a) b (c)", 'R', 11));
    }

    /** This test JVM's other threads (compilers, the VM thread, surefire's) are looked at through /proc. */
    @Test
    void theTasksOfThisProcessAreSeen() throws Exception {
        Thread spinner = new Thread(() -> {
            long x = 0;
            while (!Thread.currentThread().isInterrupted()) {
                x += System.nanoTime() % 7;
            }
            if (x == 42) {
                System.out.println(x);
            }
        }, "torpor-spinner");
        spinner.start();
        try {
            List<String> busy = JvmQuiescence.awaitSleepingTasks(Path.of("/proc/thread-self"),
                    System.nanoTime() + 500_000_000L);
            assertThat(busy).anyMatch(b -> b.startsWith("torpor-spinner"));
        } finally {
            spinner.interrupt();
            spinner.join();
        }
    }
}
