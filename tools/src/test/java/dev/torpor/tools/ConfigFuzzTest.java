package dev.torpor.tools;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.file.Path;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the config file parser: any text as {@code /etc/torpor/torpor.conf}, parsed and resolved
 * into every setting. A bad file may only be refused ({@link ConfigFile.Invalid}, naming the line); anything else is
 * a finding. Seeds: the packaged config file and one that sets everything.
 */
class ConfigFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parse(String text) {
        if (text == null) {
            return; // Jazzer's null String: the reader of a file never passes one
        }
        Path file = Path.of("/etc/torpor/torpor.conf");
        try {
            Settings s = Settings.resolve(ConfigFile.parse(file, text), Map.of());
            for (Setting setting : Setting.values()) {
                s.get(setting);
            }
            s.describe(Setting.values());
            s.number(Setting.THREADS);
            s.number(Setting.IMAGE_SIZE);
        } catch (ConfigFile.Invalid refused) {
            if (!refused.getMessage().contains(file.toString())) {
                throw new AssertionError("a refusal that does not name the file", refused);
            }
        }
    }
}
