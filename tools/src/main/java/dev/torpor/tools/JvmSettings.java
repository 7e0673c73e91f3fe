package dev.torpor.tools;

/**
 * Settings of the JVM that the tool makes before anything else runs, because they are read once, on first use.
 *
 * <p>Reflection ({@code Constructor.newInstance}, {@code Method.invoke}) starts with an accessor in the JVM and, after
 * 15 calls of the same member, "inflates" it: it defines a new class ({@code GeneratedConstructorAccessorN}). The
 * JDK's crypto providers make their ciphers reflectively, once per image written or read, so the 16th image of a
 * process defines a class, and {@code torpor hibernate} must not define or load any class after the snapshot (the
 * guest proof caught exactly that after a warm-up of eight rehearsals). With the threshold at its maximum a reflective
 * call never defines a class; the cost, a JNI call per reflective call, does not matter to this tool.
 */
final class JvmSettings {
    /** The JDK 17 property that sets the number of reflective calls before inflation. */
    static final String INFLATION_THRESHOLD = "sun.reflect.inflationThreshold";

    private JvmSettings() {
    }

    private static volatile boolean ownProcess;

    /**
     * Sets what the launcher did not set; must run before the first reflective call of the process. Only
     * {@code main} calls it: from then on the tool may treat the JVM as its own (stop its JIT, say).
     */
    static void apply() {
        if (System.getProperty(INFLATION_THRESHOLD) == null) {
            System.setProperty(INFLATION_THRESHOLD, Integer.toString(Integer.MAX_VALUE));
        }
        ownProcess = true;
    }

    /** Whether the tool runs as its own process ({@code main}), not inside another program such as a test. */
    static boolean ownProcess() {
        return ownProcess;
    }
}
