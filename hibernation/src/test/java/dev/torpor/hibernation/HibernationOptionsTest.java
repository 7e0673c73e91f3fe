package dev.torpor.hibernation;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.lifecycle.Hibernator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The options' defaults are the kernel's and torpor hibernate's, and nonsense is refused when the options are built. */
class HibernationOptionsTest {
    @Test
    void theDefaultsAreTheKernels() {
        HibernationOptions o = HibernationOptions.builder(Path.of("/dev/vda2")).build();
        assertThat(o.resumeOffset()).isZero();
        assertThat(o.snapshotDevice()).isEqualTo(Path.of("/dev/snapshot"));
        assertThat(o.target()).isEmpty();
        assertThat(o.compressor()).isEqualTo(Compressor.LZO);
        assertThat(o.threads()).isEqualTo(RunningKernel.kernelThreads(Runtime.getRuntime().availableProcessors()));
        assertThat(o.imageSize()).isEmpty();
        assertThat(o.key()).isEmpty();
        assertThat(o.shutdown()).isEqualTo(Hibernator.Shutdown.POWEROFF);
        assertThat(o.attempts()).isEqualTo(3);
        assertThat(o.scratch()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(o.rehearsedReads()).isEqualTo(20_000);
        assertThat(o.warmUpLimit()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.settleTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theKernelsThreadRuleIsOnlineCpusLessOneFromOneToThree() {
        assertThat(new int[] {RunningKernel.kernelThreads(1), RunningKernel.kernelThreads(2),
            RunningKernel.kernelThreads(3), RunningKernel.kernelThreads(4), RunningKernel.kernelThreads(64)})
                .containsExactly(1, 1, 2, 3, 3);
    }

    @Test
    void whatIsGivenIsKept() {
        HibernationOptions o = HibernationOptions.builder(Path.of("/dev/sda3")).resumeOffset(34816)
                .compressor(Compressor.LZ4).threads(2).imageSize(1L << 30).shutdown(Hibernator.Shutdown.REBOOT)
                .attempts(1).scratch(Path.of("/run")).rehearsedReads(0).warmUpLimit(Duration.ofSeconds(5))
                .settleTimeout(Duration.ofSeconds(7)).build();
        assertThat(o.resumeOffset()).isEqualTo(34816);
        assertThat(o.compressor()).isEqualTo(Compressor.LZ4);
        assertThat(o.imageSize()).hasValue(1L << 30);
        assertThat(o.shutdown()).isEqualTo(Hibernator.Shutdown.REBOOT);
        assertThat(o.warmUpLimit()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void nonsenseIsRefusedWhenBuilt() {
        Path dev = Path.of("/dev/vda2");
        assertThatThrownBy(() -> HibernationOptions.builder(dev).attempts(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts");
        assertThatThrownBy(() -> HibernationOptions.builder(dev).threads(65).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads");
        assertThatThrownBy(() -> HibernationOptions.builder(dev).resumeOffset(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resumeOffset");
        assertThatThrownBy(() -> HibernationOptions.builder(dev).imageSize(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imageSize");
        assertThatThrownBy(() -> HibernationOptions.builder(dev).settleTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("settleTimeout");
        assertThatThrownBy(() -> HibernationOptions.builder(null).build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("device");
    }
}
