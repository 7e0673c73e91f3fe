package dev.torpor.tools;

import dev.torpor.hibernation.HibernationHeap;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The heap refusal as torpor hibernate words it: the launcher's own options, with a heap that carries the image. */
class HeapAdviceTest {
    private static final long EDEN = 24L * 8 / 10 << 20; // -Xmn24m with the serial collector's 8:1:1
    private static final long FIXED = 2L << 20;

    @Test
    void theAdviceIsTheLaunchersOptionsWithALargerHeap() {
        HibernationHeap.TooSmall e = catchThrowableOfType(() -> HibernationHeap.check(EDEN, 64L << 30, 4096, 2, false,
                FIXED), HibernationHeap.TooSmall.class);
        assertThat(HibernateCommand.heapAdvice(e)).contains("cannot carry storing the largest image")
                .contains("TORPOR_JAVA_OPTS=\"").contains("-Xms108m -Xmx108m -Xmn84m\"").contains("fewer --threads")
                .contains(JvmOptions.FILE);
    }

    @Test
    void anEncryptedImagesAdviceKeepsTheOtherOptionsAndReplacesOnlyTheHeap() {
        HibernationHeap.TooSmall e = catchThrowableOfType(() -> HibernationHeap.check(EDEN, 8L << 30, 4096, 1, true,
                FIXED), HibernationHeap.TooSmall.class);
        assertThat(HibernateCommand.heapAdvice(e)).contains("-XX:TieredStopAtLevel=1").doesNotContain("-Xmn24m")
                .doesNotContain("fewer --threads");
        assertThat(Torpor.exitCode(new dev.torpor.hibernation.HibernationRefused(HibernateCommand.heapAdvice(e))))
                .isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
