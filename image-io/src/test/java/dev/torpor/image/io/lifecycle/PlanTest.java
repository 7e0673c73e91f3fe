package dev.torpor.image.io.lifecycle;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.snapshot.api.TargetProfile;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanTest {

    @Test
    void theBuilderStartsFromTheKernelsOwnDefaults() {
        Hibernator.Plan p = Hibernator.Plan.builder(TargetProfile.X86_64, 0xfe00).build();
        assertThat(p).isEqualTo(new Hibernator.Plan(TargetProfile.X86_64, 0xfe00, 0, 0, Compressor.LZO, 1,
                Hibernator.Shutdown.POWEROFF, Optional.empty(), 3));
    }

    @Test
    void everySettingCanBeGiven() {
        KeyMaterial key = KeyMaterial.rawKey(new byte[32]);
        Hibernator.Plan p = Hibernator.Plan.builder(TargetProfile.X86_64, 0x801).resumeOffset(34816)
                .imageSize(1L << 30).compressor(Compressor.LZ4).threads(3).shutdown(Hibernator.Shutdown.REBOOT)
                .encryptWith(key).attempts(5).build();
        assertThat(p.resumeOffset()).isEqualTo(34816);
        assertThat(p.imageSize()).isEqualTo(1L << 30);
        assertThat(p.compressor()).isEqualTo(Compressor.LZ4);
        assertThat(p.threads()).isEqualTo(3);
        assertThat(p.shutdown()).isEqualTo(Hibernator.Shutdown.REBOOT);
        assertThat(p.key()).containsSame(key);
        assertThat(p.attempts()).isEqualTo(5);
    }

    @Test
    void impossibleSettingsAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> Hibernator.Plan.builder(TargetProfile.X86_64, 1).threads(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads must be 1..64, not 0");
        assertThatThrownBy(() -> Hibernator.Plan.builder(TargetProfile.X86_64, 1).attempts(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts");
        assertThatThrownBy(() -> Hibernator.Plan.builder(TargetProfile.X86_64, 1).imageSize(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image size");
        assertThatThrownBy(() -> Hibernator.Plan.builder(TargetProfile.X86_64, 1).compressor(null))
                .isInstanceOf(NullPointerException.class);
    }
}
