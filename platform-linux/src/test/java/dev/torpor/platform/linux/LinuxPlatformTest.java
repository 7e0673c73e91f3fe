package dev.torpor.platform.linux;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

class LinuxPlatformTest {

    @Test
    void availableOnThisLinuxMachineWithNoCause() {
        assertThat(LinuxPlatform.isAvailable()).isTrue();
        assertThat(LinuxPlatform.unavailabilityCause()).isEmpty();
        assertThatNoException().isThrownBy(LinuxPlatform::ensureAvailability);
    }

    @Test
    void anotherSystemGetsACauseThatSaysWhy() {
        Throwable cause = LinuxPlatform.probe("Mac OS X", () -> {
            throw new AssertionError("libc must not be loaded off Linux");
        });
        assertThat(cause).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Mac OS X, not Linux");
    }

    @Test
    void aLibcThatCannotLoadIsTheCause() {
        UnsatisfiedLinkError link = new UnsatisfiedLinkError("no libc.so.6 in java.library.path");
        assertThat(LinuxPlatform.probe("Linux", () -> {
            throw link;
        })).isSameAs(link);
        assertThat(LinuxPlatform.probe("Linux", () -> null)).isInstanceOf(UnsatisfiedLinkError.class)
                .hasMessageContaining("JNA could not load libc");
    }
}
