package dev.torpor.tools;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a child JVM that logs every class it loads: once {@link JvmSettings#apply()} has run, forty AES-GCM ciphers made
 * one after the other (what forty encrypted images cost: the JDK's provider makes each one reflectively) define no
 * class. Without it the same loop defines a {@code GeneratedConstructorAccessor}, which after a snapshot would be a
 * class loaded while the system is frozen.
 */
class JvmSettingsTest {

    /** The child: {@code args[0]} says whether to apply the settings. */
    public static void main(String[] args) throws Exception {
        if (Boolean.parseBoolean(args[0])) {
            JvmSettings.apply();
        }
        System.out.println("PROBE start");
        for (int i = 0; i < 40; i++) {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new GCMParameterSpec(128, new byte[12]));
            c.doFinal(new byte[16]);
        }
        System.out.println("PROBE end");
    }

    private static String probe(boolean apply) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"),
                JvmSettingsTest.class.getName(), Boolean.toString(apply)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("PROBE start", "PROBE end");
        return out.substring(out.indexOf("PROBE start"), out.indexOf("PROBE end"));
    }

    @Test
    void withTheSettingsReflectionDefinesNoClass() throws Exception {
        assertThat(probe(true)).doesNotContain("GeneratedConstructorAccessor").doesNotContain("__ClassDefiner__");
    }

    @Test
    void withoutThemTheSameLoopDefinesOne() throws Exception {
        assertThat(probe(false)).contains("GeneratedConstructorAccessor");
    }

    @Test
    void aThresholdTheLauncherSetIsKept() {
        String before = System.getProperty(JvmSettings.INFLATION_THRESHOLD);
        try {
            System.setProperty(JvmSettings.INFLATION_THRESHOLD, "7");
            JvmSettings.apply();
            assertThat(System.getProperty(JvmSettings.INFLATION_THRESHOLD)).isEqualTo("7");
        } finally {
            if (before == null) {
                System.clearProperty(JvmSettings.INFLATION_THRESHOLD);
            } else {
                System.setProperty(JvmSettings.INFLATION_THRESHOLD, before);
            }
        }
    }
}
