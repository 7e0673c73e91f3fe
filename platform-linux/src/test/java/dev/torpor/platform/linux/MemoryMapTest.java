package dev.torpor.platform.linux;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** /proc/PID/maps lines: a fixed sample, and this JVM's own maps. */
class MemoryMapTest {
    @Test
    void linesOfEveryKind() {
        List<MemoryMap.Mapping> m = MemoryMap.parse(String.join("\n",
                "55d0c9a00000-55d0c9a01000 r--p 00000000 fe:01 1316      /opt/jrt/bin/java",
                "7f1c2c000000-7f1c2c021000 rw-p 00000000 00:00 0 ",
                "7f1c34a00000-7f1c35d7c000 r-xp 00000000 00:02 77        /opt/jrt/lib/server/libjvm.so",
                "7f1c35e00000-7f1c36c70000 r--s 00000000 00:02 91        /opt/jrt/lib/modules",
                "7f1c36d00000-7f1c36d01000 ---p 00000000 00:00 0",
                "7ffd5a1e4000-7ffd5a205000 rw-p 00000000 00:00 0         [stack]",
                "7f1c36e00000-7f1c36e01000 rw-s 00000000 00:05 12        /dev/zero (deleted)",
                "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]",
                "not a mapping line", ""));
        assertThat(m).hasSize(8);
        assertThat(m.get(0)).isEqualTo(new MemoryMap.Mapping(0x55d0c9a00000L, 0x55d0c9a01000L, "r--p",
                "/opt/jrt/bin/java"));
        assertThat(m.get(1).path()).isEmpty();
        assertThat(m.get(2).bytes()).isEqualTo(0x7f1c35d7c000L - 0x7f1c34a00000L);
        assertThat(m.get(3).path()).endsWith("/lib/modules");
        assertThat(m.get(4).readable()).isFalse();
        assertThat(m.get(5).path()).isEqualTo("[stack]");
        assertThat(m.get(6).path()).isEqualTo("/dev/zero (deleted)");
        assertThat(m.get(7).start()).isEqualTo(0xffffffffff600000L);
    }

    @Test
    void thisProcessHasItsRuntimeMapped() throws Exception {
        List<MemoryMap.Mapping> m = MemoryMap.parse(Files.readString(Path.of("/proc/self/maps")));
        assertThat(m).anyMatch(x -> x.path().endsWith("libjvm.so") && x.permissions().contains("x"));
        assertThat(m).allMatch(x -> Long.compareUnsigned(x.start(), x.end()) < 0);
    }
}
